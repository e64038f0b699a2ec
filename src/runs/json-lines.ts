/**
 * JSON-lines files that a run appends to for watching and inspecting (`events.jsonl`,
 * `agents.jsonl`), written cheaply: lines are collected in memory and written with one
 * synchronous `write` every FLUSH_INTERVAL_MS (or at FLUSH_BYTES, or on close). A write to the page
 * cache takes microseconds, where an asynchronous write costs a thread-pool round trip (≈ 80 µs
 * here) and creating a file per record costs 100–300 µs (docs/benchmarks.md). These files are not
 * fsynced and a `kill -9` may lose their last moment; the journal is what resuming trusts.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const FLUSH_INTERVAL_MS = 100;
const FLUSH_BYTES = 64 * 1024;

export class JsonLinesWriter {
  private fd: number | null;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  /** Opens `path` for appending; a file that cannot be opened leaves a writer that drops lines. */
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'a');
    } catch {
      this.fd = null;
    }
  }

  write(value: unknown): void {
    if (this.fd === null) return;
    const line = `${JSON.stringify(value)}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
      this.timer.unref();
    }
  }

  /** Writes the collected lines now. A write error ends writing (display data), never the run. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.fd === null || this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
    try {
      for (let offset = 0; offset < data.length; ) offset += writeSync(this.fd, data, offset);
    } catch {
      this.close();
    }
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    const fd = this.fd;
    this.fd = null;
    try {
      closeSync(fd);
    } catch {
      // already gone: nothing left to lose
    }
  }
}

export type JsonLine = { [key: string]: unknown };

/**
 * Every whole line of a JSON-lines file that is a JSON object, in order; a missing file reads as
 * empty. A torn last line (the writer died mid-write) and foreign text are skipped (J16).
 */
export async function readJsonLines(path: string): Promise<JsonLine[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseJsonLines(text);
}

function parseJsonLines(text: string): JsonLine[] {
  const values: JsonLine[] = [];
  for (const line of text.split('\n')) {
    const value = parseJsonLine(line);
    if (value) values.push(value);
  }
  return values;
}

/** One line as a JSON object; undefined for a blank, torn or foreign line. */
export function parseJsonLine(line: string): JsonLine | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonLine) : undefined;
  } catch {
    return undefined;
  }
}
