/**
 * The default CacheStore (spec C2, C3): one JSON file per entry, `<dir>/s1/<ab>/<64 hex>.json`.
 * An entry appears whole or not at all (temp file, then link or rename), create-only puts converge
 * on the first writer, a damaged entry is a miss with a warning (J16), and `claim` lets two
 * processes running the same step at once pay once, through a lock file next to the entry.
 *
 * SMALL_FILES_SYNC: the operations on a step's path (read the entry, create the lock and the
 * entry, link, unlink) use the synchronous fs calls. They touch files of a few KB in the page
 * cache, and an asynchronous call costs a thread-pool round trip (≈ 80 µs here) on top of work of
 * a few µs; a step did 15 of them, 1.3 ms per live step (docs/benchmarks.md). Listing, stats and
 * pruning, which walk the whole cache, stay asynchronous.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { abortableSleep } from '../abortable-sleep.js';
import { processAlive } from '../process-alive.js';
import { messageOf, WfError } from '../errors.js';
import { CacheKeyError, CacheStoreError } from './errors.js';
import type { CacheEntry, CacheLease, CacheListing, CacheLookup, CacheStats, CacheStore } from './store.js';

/** Where a project's cache lives, relative to the project directory. */
export const CACHE_DIRNAME = join('.boocode', 'cache');

const KEY_PATTERN = /^s1:([0-9a-f]{64})$/;
const ENTRY_FILE = /^([0-9a-f]{64})\.json$/;
const SHARD_DIR = /^[0-9a-f]{2}$/;
/** How often a waiting claim looks at the lock and the entry again. */
const POLL_MS = 50;
/** No live step holds a lock this long; past it the lock is taken over even if its pid looks alive (reused). */
const LOCK_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** A lock is empty between its creation and its first write; only one unreadable for this long is abandoned. */
const UNREADABLE_LOCK_GRACE_MS = 10_000;

/**
 * A {@link CacheStore} on the local file system, rooted at `directory` (normally
 * `<project>/${CACHE_DIRNAME}`). Several processes may share one directory.
 *
 * A damaged entry is replaced by the next create-only `put` of its key (as is an expired one):
 * `put` keeps an existing entry only when it would be a hit. `get` never deletes anything, so a
 * reader cannot race a writer.
 */
export class FileCacheStore implements CacheStore {
  readonly location: string;
  /** Shard directories this store has made, so a claim and a put do not each ask again (I/O per step). */
  private readonly madeDirectories = new Set<string>();

  constructor(readonly directory: string) {
    this.location = directory;
  }

  /**
   * Hit, or a miss that says why. A damaged entry is a miss with a warning, never a throw; a
   * malformed key (CacheKeyError) or a failing read other than ENOENT (CacheStoreError) throws.
   */
  async get(key: string, now: number = Date.now()): Promise<CacheLookup> {
    const path = this.entryPath(key);
    let text: string;
    try {
      text = readFileSync(path, 'utf8'); // see SMALL_FILES_SYNC
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { hit: false, reason: 'absent' };
      throw this.storeError(`cannot read cache entry ${key}`, error);
    }
    const read = parseEntry(text, key);
    if (!read.ok) {
      return { hit: false, reason: 'corrupt', warning: `cache entry ${key} is damaged (${read.problem}) and was ignored; it will be replaced` };
    }
    if (isExpired(read.entry, now)) return { hit: false, reason: 'expired' };
    return { hit: true, entry: read.entry };
  }

  /**
   * Writes `entry` under its key. Create-only by default: a valid, unexpired entry already there
   * wins (same key, same spec, so either value is right); a damaged or expired one is replaced.
   * With `replace`, the new entry replaces whatever is there. Either way readers see the old entry
   * or the new one, never half of one.
   */
  async put(entry: CacheEntry, options: { replace?: boolean } = {}): Promise<void> {
    const path = this.entryPath(entry.key);
    let text: string;
    try {
      text = `${JSON.stringify(entry, null, 2)}\n`;
    } catch (error) {
      throw new CacheStoreError(`cannot store cache entry ${entry.key}: ${messageOf(error)}`, { cause: error });
    }
    // What get() would call damaged must never be written in the first place.
    const check = parseEntry(text, entry.key);
    if (!check.ok) throw new CacheStoreError(`refusing to store an invalid cache entry ${entry.key}: ${check.problem}`);

    // No fsync: the run journal is the durable record of a completed step, and an entry lost or
    // torn by a crash is only a miss (or a damaged entry that the next put replaces).
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await this.ensureDirectory(dirname(path));
      try {
        writeFileSync(temporary, text, { flag: 'wx' });
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
        // The shard was removed behind our back (rm -rf of the cache during a run): make it again.
        this.madeDirectories.delete(dirname(path));
        await this.ensureDirectory(dirname(path));
        writeFileSync(temporary, text, { flag: 'wx' });
      }
      if (options.replace) {
        renameSync(temporary, path);
      } else if (!linkIfAbsent(temporary, path) && !(await this.get(entry.key)).hit) {
        renameSync(temporary, path);
      }
    } catch (error) {
      throw this.storeError(`cannot write cache entry ${entry.key}`, error);
    } finally {
      // After link the temp name is a second name of the entry; after rename it is already gone.
      unlinkQuietly(temporary);
    }
  }

  /**
   * Single-flight across processes (C3): takes the key's lock file, or waits while another live
   * holder has it. Resolves with the entry as soon as one exists while waiting, and with a lease
   * once the lock is free (released without an entry, or abandoned by a dead holder).
   */
  async claim(key: string, signal?: AbortSignal): Promise<{ lease: CacheLease } | { entry: CacheEntry }> {
    const path = this.lockPath(key);
    try {
      await this.ensureDirectory(dirname(path));
    } catch (error) {
      throw this.storeError(`cannot create the lock for cache entry ${key}`, error);
    }
    for (let waited = false; ; waited = true) {
      signal?.throwIfAborted();
      const lease = await this.tryLock(key, path);
      if (lease) return this.leaseOrEntry(key, lease, waited, signal);
      const lookup = await this.get(key);
      if (lookup.hit) return { entry: lookup.entry };
      if (await this.removeIfStale(key, path)) continue;
      await abortableSleep(POLL_MS, signal);
    }
  }

  /**
   * The holder we waited for may have put its entry and released between our last look and our
   * taking the lock: then that entry is the answer. Without a wait the caller gets the lease even
   * over an existing entry, so a refreshed step runs live.
   */
  private async leaseOrEntry(
    key: string,
    lease: CacheLease,
    waited: boolean,
    signal: AbortSignal | undefined,
  ): Promise<{ lease: CacheLease } | { entry: CacheEntry }> {
    try {
      if (waited) {
        const lookup = await this.get(key);
        if (lookup.hit) {
          await lease.release();
          return { entry: lookup.entry };
        }
      }
      signal?.throwIfAborted();
      return { lease };
    } catch (error) {
      await lease.release();
      throw error;
    }
  }

  /** Every entry file, valid or damaged (temp and lock files are not entries). Missing directory: nothing. */
  async *list(): AsyncGenerator<CacheListing> {
    const root = join(this.directory, 's1');
    for (const shard of await this.readDirectory(root)) {
      if (!SHARD_DIR.test(shard)) continue;
      for (const name of await this.readDirectory(join(root, shard))) {
        const match = ENTRY_FILE.exec(name);
        // A file in the wrong shard is not something get() could find, so it is not an entry.
        if (!match || !name.startsWith(shard)) continue;
        const key = `s1:${match[1]}`;
        let bytes: Buffer;
        try {
          bytes = await readFile(join(root, shard, name));
        } catch (error) {
          if (errorCode(error) === 'ENOENT') continue; // removed since readdir
          throw this.storeError(`cannot read cache entry ${key}`, error);
        }
        const read = parseEntry(bytes.toString('utf8'), key);
        yield read.ok ? { ok: true, entry: read.entry, bytes: bytes.length } : { ok: false, key, bytes: bytes.length, problem: read.problem };
      }
    }
  }

  /** Removes the entry; false when it did not exist. */
  async remove(key: string): Promise<boolean> {
    const path = this.entryPath(key);
    try {
      await unlink(path);
      return true;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw this.storeError(`cannot remove cache entry ${key}`, error);
    }
  }

  /**
   * `entries` and `bytes` count every entry file, damaged ones included (they take space until
   * pruned); `oldest` and `newest` are the `createdAt` of valid entries, expired ones included.
   */
  async stats(now: number = Date.now()): Promise<CacheStats> {
    const stats: CacheStats = { entries: 0, bytes: 0, corrupt: 0, expired: 0 };
    let oldest = Infinity;
    let newest = -Infinity;
    for await (const row of this.list()) {
      stats.entries++;
      stats.bytes += row.bytes;
      if (!row.ok) {
        stats.corrupt++;
        continue;
      }
      if (isExpired(row.entry, now)) stats.expired++;
      const created = Date.parse(row.entry.createdAt);
      if (created < oldest) {
        oldest = created;
        stats.oldest = row.entry.createdAt;
      }
      if (created > newest) {
        newest = created;
        stats.newest = row.entry.createdAt;
      }
    }
    return stats;
  }

  private entryPath(key: string): string {
    return `${this.basePath(key)}.json`;
  }

  private lockPath(key: string): string {
    return `${this.basePath(key)}.lock`;
  }

  private basePath(key: string): string {
    const hex = typeof key === 'string' ? KEY_PATTERN.exec(key)?.[1] : undefined;
    if (hex === undefined) {
      const shown = typeof key === 'string' ? JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key) : String(key);
      throw new CacheKeyError(`malformed cache key ${shown}`, { hint: 'a cache key is "s1:" followed by 64 lowercase hex digits' });
    }
    return join(this.directory, 's1', hex.slice(0, 2), hex);
  }

  /** A lease when the lock file was created now; undefined when someone else holds it. */
  private async tryLock(key: string, path: string): Promise<CacheLease | undefined> {
    const text = JSON.stringify({
      pid: process.pid,
      hostname: hostname(),
      createdAt: new Date().toISOString(),
      // Tells our lock from a later holder's, so release() never deletes a lock it does not own.
      token: randomBytes(8).toString('hex'),
    });
    // Written whole under a temp name, then linked into place: link is atomic and fails if the lock
    // exists, so a lock is never seen empty (a kill between create and write would leave one that
    // looks unreadable for UNREADABLE_LOCK_GRACE_MS).
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(temporary, text, { flag: 'wx' });
      if (!linkIfAbsent(temporary, path)) return undefined;
    } catch (error) {
      throw this.storeError(`cannot create the lock for cache entry ${key}`, error);
    } finally {
      unlinkQuietly(temporary);
    }
    return new FileLease(path, text, (message, error) => this.storeError(message, error));
  }

  /**
   * True when the lock is gone or was abandoned and has been removed (the caller tries again at
   * once); false when a live holder has it.
   */
  private async removeIfStale(key: string, path: string): Promise<boolean> {
    const seen = await readLock(path);
    if (seen === undefined) return true;
    if (!isStale(seen.text, seen.mtimeMs, Date.now())) return false;
    // Moved aside before it is deleted: rename is atomic, so of two waiters that judged the same
    // lock stale only one moves it, and the other gets ENOENT instead of deleting a fresh lock.
    const aside = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.stale`;
    try {
      await rename(path, aside);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return true;
      throw this.storeError(`cannot remove the abandoned lock of cache entry ${key}`, error);
    }
    try {
      const moved = await readLock(aside);
      if (moved && (moved.ino !== seen.ino || moved.mtimeMs !== seen.mtimeMs || moved.text !== seen.text)) {
        // We lost a race after all and moved a lock taken since we looked: put it back, unless a
        // third claimer already took the free name (then two run the step; their puts converge).
        await link(aside, path).catch(() => undefined);
      }
    } finally {
      await unlink(aside).catch(() => undefined);
    }
    return true;
  }

  private async ensureDirectory(path: string): Promise<void> {
    if (this.madeDirectories.has(path)) return;
    await mkdir(path, { recursive: true });
    this.madeDirectories.add(path);
  }

  /** Sorted names; a missing directory (or a file where a directory should be) reads as empty. */
  private async readDirectory(path: string): Promise<string[]> {
    try {
      return (await readdir(path)).sort();
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw this.storeError(`cannot list the cache directory`, error);
    }
  }

  private storeError(message: string, error: unknown): WfError {
    if (error instanceof WfError) return error;
    return new CacheStoreError(`${message}: ${messageOf(error)}`, {
      cause: error,
      hint: `check that ${this.directory} is a directory this user can read and write`,
    });
  }
}

class FileLease implements CacheLease {
  private released = false;

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly storeError: (message: string, error: unknown) => WfError,
  ) {}

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    try {
      // A holder thought dead may have lost its lock to a waiter; that waiter's lock stays.
      if (readFileSync(this.path, 'utf8') !== this.text) return;
      unlinkSync(this.path);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw this.storeError('cannot release a cache lock', error);
    }
  }
}

type ParsedEntry = { ok: true; entry: CacheEntry } | { ok: false; problem: string };

function parseEntry(text: string, key: string): ParsedEntry {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problem: text.trim() === '' ? 'empty file' : 'not valid JSON' };
  }
  const problem = entryProblem(data, key);
  return problem === undefined ? { ok: true, entry: data as CacheEntry } : { ok: false, problem };
}

function entryProblem(data: unknown, key: string): string | undefined {
  if (!isRecord(data)) return 'not a JSON object';
  if (typeof data.key !== 'string') return 'no key';
  if (data.key !== key) return 'it holds a different key';
  if (!isRecord(data.spec)) return 'no spec object';
  if (!Object.hasOwn(data, 'value')) return 'no value';
  if (!isRecord(data.usage)) return 'no usage object';
  if (!isRecord(data.producer)) return 'no producer object';
  if (data.model !== undefined && typeof data.model !== 'string') return 'model is not a string';
  if (typeof data.createdAt !== 'string' || Number.isNaN(Date.parse(data.createdAt))) return 'createdAt is not a time';
  if (data.expiresAt !== undefined && (typeof data.expiresAt !== 'string' || Number.isNaN(Date.parse(data.expiresAt)))) {
    return 'expiresAt is not a time';
  }
  return undefined;
}

function isExpired(entry: CacheEntry, now: number): boolean {
  return entry.expiresAt !== undefined && Date.parse(entry.expiresAt) <= now;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Link is create-only and atomic: false when something already has the name. */
function linkIfAbsent(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

interface LockSnapshot {
  text: string;
  mtimeMs: number;
  ino: number;
}

/** The lock's text and identity, read through one handle so both describe the same file; undefined when gone. */
async function readLock(path: string): Promise<LockSnapshot | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = await handle.stat();
    return { text: await handle.readFile('utf8'), mtimeMs: info.mtimeMs, ino: info.ino };
  } finally {
    await handle.close();
  }
}

function isStale(text: string, mtimeMs: number, now: number): boolean {
  const age = now - mtimeMs;
  if (age > LOCK_MAX_AGE_MS) return true;
  const holder = parseLock(text);
  if (holder === undefined) return age > UNREADABLE_LOCK_GRACE_MS;
  // Another host's pid means nothing here: only its age can say that lock was abandoned.
  return holder.hostname === hostname() && !processAlive(holder.pid);
}

function parseLock(text: string): { pid: number; hostname: string } | undefined {
  try {
    const data: unknown = JSON.parse(text);
    // A positive pid only: kill(0) and kill(-1) would address whole process groups.
    if (isRecord(data) && Number.isSafeInteger(data.pid) && (data.pid as number) > 0 && typeof data.hostname === 'string') {
      return { pid: data.pid as number, hostname: data.hostname };
    }
  } catch {
    // Garbage: the caller falls back to the lock's age.
  }
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
