/**
 * The run directory `.boocode/runs/<runId>/` (R1): `script.js` (the exact source that ran),
 * `args.json`, `journal.jsonl`, `run.json` (status, timings, usage, result or error),
 * `agents/<index>.json` (one record per agent call), `log.txt` (the script's log lines) and
 * `events.jsonl` (every run event, docs/events.md). Records are replaced atomically (temp file +
 * rename), so a reader never sees half a record.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const RUNS_DIRNAME = join('.boocode', 'runs');

export class RunDirectory {
  readonly agentsDir: string;
  readonly journalPath: string;
  readonly logPath: string;
  private logChain: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {
    this.agentsDir = join(path, 'agents');
    this.journalPath = join(path, 'journal.jsonl');
    this.logPath = join(path, 'log.txt');
  }

  static async create(runsDir: string, runId: string): Promise<RunDirectory> {
    const directory = new RunDirectory(join(runsDir, runId));
    await mkdir(directory.agentsDir, { recursive: true });
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

  writeAgentRecord(index: number, record: unknown): Promise<void> {
    return writeAtomically(join(this.agentsDir, `${String(index).padStart(4, '0')}.json`), `${JSON.stringify(record, null, 2)}\n`);
  }

  /**
   * The event stream's copy (`events.jsonl`): buffered, not fsynced, because it is for watching
   * and inspecting; the journal is what resuming trusts.
   */
  openEventLog(filename: string): EventLog {
    return new EventLog(createWriteStream(join(this.path, filename), { flags: 'a' }));
  }

  /** Log lines are appended in order; losing the tail of a log on kill -9 is acceptable. */
  appendLog(lines: string[]): Promise<void> {
    const text = lines.map((line) => `${line}\n`).join('');
    this.logChain = this.logChain.then(() => appendFile(this.logPath, text)).catch(() => undefined);
    return this.logChain;
  }
}

/** An append-only JSON-lines file; a write error is remembered and ends writing, never the run. */
export class EventLog {
  private failed = false;

  constructor(private readonly stream: WriteStream) {
    stream.on('error', () => {
      this.failed = true;
    });
  }

  write(value: unknown): void {
    if (!this.failed) this.stream.write(`${JSON.stringify(value)}\n`);
  }

  /** Resolves once every line written so far is handed to the file system. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.failed || this.stream.destroyed) return resolve();
      this.stream.end(() => resolve());
    });
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
