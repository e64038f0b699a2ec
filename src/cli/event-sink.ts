/**
 * `--events <file|->`: the run's events as JSON lines, for other tools. The lines are the same as
 * the run directory's `events.jsonl` (docs/events.md): the event with the time it happened.
 */
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { RunEvent } from '../engine/events.js';
import { WfUsageError } from '../errors.js';
import type { Output } from './output.js';

export interface EventSink {
  write(event: RunEvent): void;
  close(): Promise<void>;
  /** True when the events go to stdout, which then carries nothing else. */
  readonly toStdout: boolean;
}

export async function openEventSink(target: string, io: Output): Promise<EventSink> {
  const line = (event: RunEvent) => JSON.stringify({ time: new Date().toISOString(), ...event });
  if (target === '-') {
    return { write: (event) => io.out(line(event)), close: async () => undefined, toStdout: true };
  }
  const path = resolve(target);
  const stream = createWriteStream(path, { flags: 'w' });
  await new Promise<void>((done, fail) => {
    stream.once('open', () => done());
    stream.once('error', (error) => fail(new WfUsageError(`--events: cannot write ${path}: ${error.message}`)));
  });
  let failed = false;
  stream.on('error', () => {
    failed = true;
  });
  return {
    write: (event) => {
      if (!failed) stream.write(`${line(event)}\n`);
    },
    close: () => new Promise((done) => (failed ? done() : stream.end(() => done()))),
    toStdout: false,
  };
}
