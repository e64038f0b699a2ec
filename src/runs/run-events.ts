/**
 * Reading a run's event stream copy (`events.jsonl`) back once, as it is now (following it as it
 * grows is watch.ts). It is buffered, not fsynced, so its tail may be torn after a crash; readers
 * skip what they cannot parse. `lastEventTime` reads only the end of the file, because a long
 * run's activity lines make the whole file large and `wf runs` only wants to know when an
 * interrupted run last did something.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { TimedRunEvent } from '../engine/events.js';
import { EVENTS_FILENAME } from './run-dir.js';
import { readJsonLines, parseJsonLine } from './json-lines.js';

/** Every whole event line of the run in `runDir`, in order; none when the file is missing. */
export async function readRunEvents(runDir: string): Promise<TimedRunEvent[]> {
  try {
    const lines = await readJsonLines(join(runDir, EVENTS_FILENAME));
    return lines.filter((line) => typeof line.type === 'string' && typeof line.time === 'string') as unknown as TimedRunEvent[];
  } catch {
    return [];
  }
}


/** How much of the file's end `lastEventTime` reads: many times the longest usual line. */
const TAIL_BYTES = 64 * 1024;

/** Epoch ms of the last whole event line of the run in `runDir`; undefined when there is none. */
export async function lastEventTime(runDir: string): Promise<number | undefined> {
  let handle;
  try {
    handle = await open(join(runDir, EVENTS_FILENAME), 'r');
  } catch {
    return undefined;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    // The first line may start mid-way (we began reading inside it) and the last may be torn.
    for (let index = lines.length - 1; index >= (length < size ? 1 : 0); index -= 1) {
      const time = timeOf(lines[index]!);
      if (time !== undefined) return time;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

function timeOf(line: string): number | undefined {
  const time = Date.parse(String(parseJsonLine(line)?.time));
  return Number.isFinite(time) ? time : undefined;
}
