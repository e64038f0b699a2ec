/**
 * The run's append-only journal (R1): one JSON event per line. `append` resolves only after the
 * line has been written to the file, so an agent() call resolves after its record survives the wf
 * process dying at any moment (`kill -9`, a crash, the OOM killer): the kernel holds the data.
 * Surviving a power loss or a kernel panic as well needs the data on the device (fdatasync), which
 * costs ≈ 0.75 ms per step on a typical cloud disk, more than everything else wf does for a step:
 *   - `batched` (default): the file is fdatasynced in the background at most every
 *     BATCHED_SYNC_INTERVAL_MS while lines are being added, and once more when the journal closes;
 *     a power loss can lose the steps of the last moment, never a process crash.
 *   - `every-step` (`WF_JOURNAL_SYNC=every-step`): append resolves only after the fdatasync.
 * Appends made while a write is in flight are grouped into the next write (group commit), so N
 * agents finishing together pay for one write (and one fsync), and lines are always whole.
 * `readJournal` ignores a torn last line and lines that are not JSON objects (J16).
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';

export type JournalEvent = { type: string; [key: string]: unknown };

/** When an appended line is considered recorded; see the module comment. */
export type JournalSync = 'batched' | 'every-step';

export const BATCHED_SYNC_INTERVAL_MS = 100;

export class Journal {
  private pending: Array<{ line: string; resolve: () => void; reject: (error: unknown) => void }> = [];
  private writing = false;
  /** Lines written since the last fdatasync (batched mode). */
  private unsynced = false;
  private syncTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    private readonly sync: JournalSync,
  ) {}

  static async open(path: string, sync: JournalSync = 'batched'): Promise<Journal> {
    return new Journal(await open(path, 'a'), sync);
  }

  /** Resolves once `event` is in the file (and, in `every-step` mode, on the device). */
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
        if (this.sync === 'every-step') await this.handle.datasync();
        else this.scheduleSync();
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.writing = false;
  }

  /** Batched mode: one background fdatasync for everything written in the next interval. */
  private scheduleSync(): void {
    this.unsynced = true;
    if (this.syncTimer !== undefined) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.syncing = this.syncNow();
    }, BATCHED_SYNC_INTERVAL_MS);
    this.syncTimer.unref();
  }

  private async syncNow(): Promise<void> {
    if (!this.unsynced) return;
    this.unsynced = false;
    // A failed background sync is not lost data yet (the kernel holds it); the sync at close reports.
    await this.handle.datasync().catch(() => {
      this.unsynced = true;
    });
  }

  /** Writes what is pending, syncs it to the device, and closes the file. */
  async close(): Promise<void> {
    while (this.writing || this.pending.length > 0) await new Promise((resolve) => setImmediate(resolve));
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    await this.syncing;
    if (this.unsynced) await this.handle.datasync();
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
