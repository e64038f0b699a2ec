/**
 * Watching a run from another process: waiting for it to end, reading its event stream as it
 * grows, and asking it to stop. The run's own process is the only writer of its directory; these
 * only read files and send the signal a terminal's Ctrl-C would (X1), so a watcher can come and
 * go at any time without disturbing the run.
 */
import { open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TimedRunEvent } from '../engine/events.js';
import { EVENTS_FILENAME } from './run-dir.js';
import { isProcessId } from '../process-alive.js';
import { parseJsonLine } from './json-lines.js';
import { readRun, rereadRun, type RunRef } from './run-lookup.js';

const POLL_MS = 200;

export interface WaitOptions {
  /** Give up after this long and return the run as it is (still running). */
  timeoutMs?: number;
  signal?: AbortSignal;
  pollMs?: number;
}

/** Resolves with the run once it is no longer running (ended, or its process died). */
export async function waitForRun(runsDir: string, runId: string, options: WaitOptions = {}): Promise<RunRef> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  for (;;) {
    const run = await readRun(runsDir, runId);
    if (run.state !== 'running' || Date.now() >= deadline || options.signal?.aborted) return run;
    await sleep(Math.min(options.pollMs ?? POLL_MS, Math.max(0, deadline - Date.now())));
  }
}

export type StopRequest =
  | { kind: 'signalled'; pid: number }
  /** Nothing to stop: the run has ended or its process is gone. */
  | { kind: 'not-running'; run: RunRef }
  /** Recorded on another machine: its process cannot be signalled from here. */
  | { kind: 'elsewhere'; host: string; pid: number };

/** Sends SIGTERM to the run's process, which stops the run exactly as Ctrl-C does (X1). */
export function requestStop(run: RunRef): StopRequest {
  const { pid, host } = run.record;
  // A damaged record's pid 0 or -1 would signal whole process groups: only a real pid is signalled.
  if (run.state !== 'running' || !isProcessId(pid)) return { kind: 'not-running', run };
  if (host !== undefined && host !== hostname()) return { kind: 'elsewhere', host, pid };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // It ended between the check and the signal: nothing left to stop.
    return { kind: 'not-running', run };
  }
  return { kind: 'signalled', pid };
}

export interface FollowOptions {
  /** Keep reading as the file grows until the run ends (its run-end event) or its process is gone. */
  follow: boolean;
  signal?: AbortSignal;
  pollMs?: number;
}

/**
 * Every event of the run's `events.jsonl`, in order; with `follow`, also those written later.
 * Reads whole lines only, so a line being written is picked up once it is complete. Returns how
 * the stream ended: with the run's `run-end`, because the run's process is gone without one
 * (`interrupted`), or because the file ended and `follow` was off.
 */
export async function readEvents(run: RunRef, onEvent: (event: TimedRunEvent) => void, options: FollowOptions): Promise<'ended' | 'interrupted' | 'eof'> {
  const path = join(run.dir, EVENTS_FILENAME);
  const decoder = new StringDecoder('utf8'); // a character split between two reads stays whole
  let offset = 0;
  let partial = '';
  let idlePolls = 0;
  /** Delivers the whole lines of `chunk`; true once the run-end event has been delivered. */
  const deliver = (chunk: Buffer): boolean => {
    const lines = (partial + decoder.write(chunk)).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const event = parseEvent(line);
      if (!event) continue;
      onEvent(event);
      if (event.type === 'run-end') return true;
    }
    return false;
  };
  for (;;) {
    const chunk = await readFrom(path, offset);
    offset += chunk.length;
    if (deliver(chunk)) return 'ended';
    if (!options.follow || options.signal?.aborted) return 'eof';
    if (chunk.length > 0) {
      idlePolls = 0;
      continue;
    }
    // While nothing is written, check now and then whether the process has died without a run-end.
    if (++idlePolls % 5 === 0) {
      const now = await rereadRun(run);
      if (now.state !== 'running') {
        const rest = await readFrom(path, offset); // the last events may have landed just before it ended
        offset += rest.length;
        if (deliver(rest)) return 'ended';
        return now.state === 'interrupted' ? 'interrupted' : 'ended';
      }
    }
    await sleep(options.pollMs ?? POLL_MS);
  }
}

async function readFrom(path: string, offset: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return Buffer.alloc(0); // not written yet (a run still starting) or removed
  }
  try {
    const { size } = await handle.stat();
    if (size <= offset) return Buffer.alloc(0);
    const buffer = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function parseEvent(line: string): TimedRunEvent | undefined {
  const value = parseJsonLine(line);
  return typeof value?.type === 'string' && typeof value.time === 'string' ? (value as unknown as TimedRunEvent) : undefined;
}
