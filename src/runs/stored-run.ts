/**
 * A run as it was left on disk (spec R1), read back for `wf resume` and `wf explain <runId>`:
 * its frozen script and args, its run record and its journal. Reading never trusts the files:
 * a missing or damaged `run.json` or journal reads as "nothing recorded", never a crash (J16).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UnknownRunError, RunInProgressError } from './errors.js';
import { readJournal, type JournalEvent } from './journal.js';
import { RUN_ID_PATTERN } from './run-id.js';
import { runProcessAlive } from './run-lookup.js';

/** The fields of `run.json` that resuming relies on (the file holds more). */
export interface StoredRunRecord {
  runId?: string;
  workflow?: string;
  /** The path the script was run from. */
  file?: string;
  status?: string;
  pid?: number;
  host?: string;
  model?: string;
}

export interface StoredRun {
  runId: string;
  dir: string;
  record: StoredRunRecord;
  /** The exact source that ran, and the name of its copy (`script.js` or `script.ts`). */
  source: string;
  scriptName: 'script.js' | 'script.ts';
  /** The args it ran with; undefined when it ran without any. */
  args: unknown;
  events: JournalEvent[];
}

/** Reads run `runId` from `runsDir`. Throws UnknownRunError when there is no such run. */
export async function loadStoredRun(runsDir: string, runId: string): Promise<StoredRun> {
  if (!RUN_ID_PATTERN.test(runId)) throw new UnknownRunError(runId, runsDir, 'nothing to resume');
  const dir = join(runsDir, runId);
  let source: string | undefined;
  let scriptName: StoredRun['scriptName'] = 'script.js';
  for (const name of ['script.js', 'script.ts'] as const) {
    source = await readFile(join(dir, name), 'utf8').catch(() => undefined);
    if (source !== undefined) {
      scriptName = name;
      break;
    }
  }
  if (source === undefined) throw new UnknownRunError(runId, runsDir, 'nothing to resume');
  const record = await readJson<StoredRunRecord>(join(dir, 'run.json'));
  const argsText = await readFile(join(dir, 'args.json'), 'utf8').catch(() => '');
  let args: unknown;
  try {
    args = argsText.trim() === '' ? undefined : JSON.parse(argsText);
  } catch {
    args = undefined;
  }
  let events: JournalEvent[] = [];
  try {
    events = await readJournal(join(dir, 'journal.jsonl'));
  } catch {
    // An unreadable journal means nothing can be reused (J16), which the caller reports.
  }
  return { runId, dir, record: record ?? {}, source, scriptName, args, events };
}

/**
 * C4: a run whose process is still alive cannot be resumed; one whose process died (kill -9, a
 * crash) can, even though its record still says `running`.
 */
export function assertNotRunning(run: StoredRun): void {
  const { status, pid } = run.record;
  if (status !== 'running' || typeof pid !== 'number') return;
  // Another machine's run cannot be checked, so it counts as alive (run-lookup.ts).
  if (runProcessAlive(run.record)) throw new RunInProgressError(run.runId, pid);
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
