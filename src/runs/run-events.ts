/**
 * Reading a run's event stream copy (`events.jsonl`) back once, as it is now (following it as it
 * grows is watch.ts). It is buffered, not fsynced, so its tail may be torn after a crash; readers
 * skip what they cannot parse. `lastEventTime` reads only the end of the file, because a long
 * run's activity lines make the whole file large and `wf runs` only wants to know when an
 * interrupted run last did something.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { EVENTS_FILENAME, type TimedRunEvent } from '../engine/events.js';
import { readJournal } from './journal.js';

/** Every whole event line of the run in `runDir`, in order; none when the file is missing. */
export async function readRunEvents(runDir: string): Promise<TimedRunEvent[]> {
  try {
    const events = await readJournal(join(runDir, EVENTS_FILENAME));
    return events.filter((event): event is TimedRunEvent => typeof event.time === 'string') as TimedRunEvent[];
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
  if (line.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(line);
    const time = typeof value === 'object' && value !== null ? Date.parse(String((value as { time?: unknown }).time)) : Number.NaN;
    return Number.isFinite(time) ? time : undefined;
  } catch {
    return undefined;
  }
}
