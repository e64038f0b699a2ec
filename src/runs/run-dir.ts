/**
 * The run directory `.boocode/runs/<runId>/` (R1): `script.js` (the exact source that ran),
 * `args.json`, `journal.jsonl`, `run.json` (status, timings, usage, result or error),
 * `agents.jsonl` (the per-agent records: a line each time one is written, the last line of an
 * index is its record), `log.txt` (the script's log lines) and `events.jsonl` (every run event,
 * docs/events.md). `run.json` is replaced atomically (temp file + rename), so a reader never sees
 * half of it; the JSON-lines files are appended to (runs/json-lines.ts).
 */
import { mkdir, appendFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JsonLinesWriter } from './json-lines.js';

export const RUNS_DIRNAME = join('.boocode', 'runs');
export const AGENTS_FILENAME = 'agents.jsonl';
/** The run's event stream (docs/events.md). */
export const EVENTS_FILENAME = 'events.jsonl';

export class RunDirectory {
  readonly journalPath: string;
  readonly logPath: string;
  private logChain: Promise<void> = Promise.resolve();
  private agentRecords: JsonLinesWriter | undefined;
  private events: JsonLinesWriter | undefined;

  constructor(readonly path: string) {
    this.journalPath = join(path, 'journal.jsonl');
    this.logPath = join(path, 'log.txt');
  }

  static async create(runsDir: string, runId: string): Promise<RunDirectory> {
    const directory = new RunDirectory(join(runsDir, runId));
    await mkdir(directory.path, { recursive: true });
    return directory;
  }

  /** The script exactly as it ran (byte-identical): `script.ts` for TypeScript, `script.js` otherwise. */
  async writeScript(source: string, sourceFile: string): Promise<void> {
    await writeFile(join(this.path, sourceFile.endsWith('.ts') ? 'script.ts' : 'script.js'), source);
  }

  async writeArgs(args: unknown): Promise<void> {
    await writeFile(join(this.path, 'args.json'), args === undefined ? '' : `${JSON.stringify(args, null, 2)}\n`);
  }

  writeRunRecord(record: unknown): Promise<void> {
    return writeAtomically(join(this.path, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  }

  /**
   * The script's return value as `result.json`, and its `report` field (a catalog convention: the
   * human-readable markdown of a result object) as `report.md`.
   */
  async writeResult(result: unknown): Promise<void> {
    if (result === undefined || result === null) return;
    await writeAtomically(join(this.path, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    const report = reportOf(result);
    if (report !== undefined) await writeAtomically(join(this.path, 'report.md'), report.endsWith('\n') ? report : `${report}\n`);
  }

  /** Appends the agent's record as it is now; the last line of an index is its record. */
  writeAgentRecord(record: { index: number }): void {
    this.agentRecords ??= new JsonLinesWriter(join(this.path, AGENTS_FILENAME));
    this.agentRecords.write(record);
  }

  /** Writes out what the JSON-lines files still hold in memory. */
  close(): void {
    this.agentRecords?.close();
    this.events?.close();
  }

  /**
   * Appends a run event to `events.jsonl`: buffered, not fsynced, because it is for watching and
   * inspecting; the journal is what resuming trusts.
   */
  writeEvent(event: { type: string; time: string }): void {
    this.events ??= new JsonLinesWriter(join(this.path, EVENTS_FILENAME));
    this.events.write(event);
  }

  /** Log lines are appended in order; losing the tail of a log on kill -9 is acceptable. */
  appendLog(lines: string[]): Promise<void> {
    const text = lines.map((line) => `${line}\n`).join('');
    this.logChain = this.logChain.then(() => appendFile(this.logPath, text)).catch(() => undefined);
    return this.logChain;
  }
}

/** A result's markdown report: the `report` string of a result object, by the catalog's convention. */
export function reportOf(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const report = (result as { report?: unknown }).report;
  return typeof report === 'string' && report.trim() !== '' ? report : undefined;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
