/**
 * The run's append-only journal (R1): one JSON event per line. `append` resolves only after the
 * line is on disk (fdatasync), so an agent() call resolves after its record survives `kill -9`.
 * Appends made while a write is in flight are grouped into the next write and fsync (group
 * commit), so N agents finishing together pay for one fsync, not N, and lines are always whole.
 * `readJournal` ignores a torn last line and lines that are not JSON objects (J16).
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';

export type JournalEvent = { type: string; [key: string]: unknown };

export class Journal {
  private pending: Array<{ line: string; resolve: () => void; reject: (error: unknown) => void }> = [];
  private writing = false;

  private constructor(private readonly handle: FileHandle) {}

  static async open(path: string): Promise<Journal> {
    return new Journal(await open(path, 'a'));
  }

  /** Resolves once `event` is durably on disk. */
  append(event: JournalEvent): Promise<void> {
    const line = `${JSON.stringify(event)}\n`;
    return new Promise((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.handle.appendFile(batch.map((entry) => entry.line).join(''));
        await this.handle.datasync();
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.writing = false;
  }

  async close(): Promise<void> {
    while (this.writing || this.pending.length > 0) await new Promise((resolve) => setImmediate(resolve));
    await this.handle.close();
  }
}

/** Every whole, valid event line of a journal; a missing file reads as empty. */
export async function readJournal(path: string): Promise<JournalEvent[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const events: JournalEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && typeof (value as JournalEvent).type === 'string') {
        events.push(value as JournalEvent);
      }
    } catch {
      // A torn line (the process died mid-write) or foreign text: skip it, keep the rest.
    }
  }
  return events;
}
