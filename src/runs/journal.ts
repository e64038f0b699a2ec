/**
 * The run's append-only journal (R1): one JSON event per line. `append` resolves only after the
 * line has been written to the file, so an agent() call resolves after its record survives the wf
 * process dying at any moment (`kill -9`, a crash, the OOM killer): the kernel holds the data.
 * Lines are written with one synchronous `write` each (a few µs into the page cache; an
 * asynchronous write costs a thread-pool round trip of ≈ 80 µs), so lines are always whole and in
 * order. Surviving a power loss or a kernel panic as well needs the data on the device
 * (fdatasync), which costs ≈ 0.75 ms on a typical cloud disk, more than everything else wf does
 * for a step:
 *   - `batched` (default): the file is fdatasynced in the background at most every
 *     BATCHED_SYNC_INTERVAL_MS while lines are being added, and once more when the journal closes;
 *     a power loss can lose the steps of the last moment, a process crash none.
 *   - `every-step` (`WF_JOURNAL_SYNC=every-step`): append resolves only after an fdatasync that
 *     covers its line; appends made while one is in flight share the next (group commit).
 * `readJournal` ignores a torn last line and lines that are not JSON objects (J16).
 */
import { close, fdatasync, openSync, writeSync } from 'node:fs';
import { readJsonLines } from './json-lines.js';

export type JournalEvent = { type: string; [key: string]: unknown };

/** When an appended line is considered recorded; see the module comment. */
export type JournalSync = 'batched' | 'every-step';

export const BATCHED_SYNC_INTERVAL_MS = 100;

export class Journal {
  /** Lines written since the last fdatasync began. */
  private unsynced = false;
  private syncTimer: NodeJS.Timeout | undefined;
  /** The fdatasync in flight, and the one queued behind it for lines written meanwhile. */
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private readonly fd: number,
    private readonly sync: JournalSync,
  ) {}

  static async open(path: string, sync: JournalSync = 'batched'): Promise<Journal> {
    return new Journal(openSync(path, 'a'), sync);
  }

  /** Resolves once `event` is in the file (and, in `every-step` mode, on the device). */
  append(event: JournalEvent): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the journal is closed'));
    try {
      const data = Buffer.from(`${JSON.stringify(event)}\n`);
      for (let offset = 0; offset < data.length; ) offset += writeSync(this.fd, data, offset);
    } catch (error) {
      return Promise.reject(error);
    }
    this.unsynced = true;
    if (this.sync === 'every-step') return this.syncSoon();
    this.scheduleSync();
    return Promise.resolve();
  }

  /** An fdatasync that starts after every line written so far. */
  private syncSoon(): Promise<void> {
    if (this.inFlight === null) {
      this.unsynced = false;
      const round = datasync(this.fd).finally(() => {
        this.inFlight = null;
      });
      this.inFlight = round;
      return round;
    }
    this.queued ??= this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.syncSoon();
      });
    return this.queued;
  }

  /** Batched mode: one background fdatasync for everything written in the next interval. */
  private scheduleSync(): void {
    if (this.syncTimer !== undefined) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      // A failed background sync has lost nothing yet (the kernel holds the data); close reports it.
      if (this.unsynced) this.syncSoon().catch(() => (this.unsynced = true));
    }, BATCHED_SYNC_INTERVAL_MS);
    this.syncTimer.unref();
  }

  /** Syncs what was written to the device and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.syncTimer);
    try {
      await (this.queued ?? this.inFlight)?.catch(() => undefined);
      if (this.unsynced) await this.syncSoon();
    } finally {
      await new Promise<void>((done) => close(this.fd, () => done()));
    }
  }
}

function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}

/** Every whole, valid event line of a journal; a missing file reads as empty. */
export async function readJournal(path: string): Promise<JournalEvent[]> {
  const lines = await readJsonLines(path);
  return lines.filter((line): line is JournalEvent => typeof line.type === 'string');
}
