/**
 * The CacheStore contract: where completed agent steps live between runs (spec C2, C3). The engine
 * and the `wf cache` commands are typed against this file only; `file-store.ts` is the default
 * implementation (one file per entry under `.boocode/cache/`), and shared stores (Redis, Postgres,
 * S3) can implement the same interface later.
 *
 * Rules every implementation keeps:
 * - `put` is create-only unless `replace` is set: two writers of one key converge on one entry
 *   (same key, same spec, so either value is correct), and a reader never sees half an entry.
 * - `get` never throws for a damaged entry: it reports a miss with a warning instead.
 * - Credentials never enter an entry: the spec is what the key hashes, and the key holds none.
 */
import type { Usage } from '../dispatch/dispatcher.js';

/** One completed agent step. Stored as JSON; everything in it is JSON. */
export interface CacheEntry {
  /** `s1:<sha256 hex>`: the key the spec hashes to (key.ts). */
  key: string;
  /** The canonical step spec the key was computed from (for `wf explain` diffs and `wf cache show`). */
  spec: Record<string, unknown>;
  /** What `agent()` returned: a string, or the validated object of a schema agent. */
  value: unknown;
  /** Usage of the live call that produced the value (a cache hit itself costs 0). */
  usage: Usage;
  /** The model the provider actually served, when known. */
  model?: string;
  /** ISO time the entry was created. */
  createdAt: string;
  /** ISO time after which the entry is a miss (from `cache: { ttl }`); absent: never expires. */
  expiresAt?: string;
  /** Which run and call produced it (display only; never part of the key). */
  producer: { runId: string; workflow: string; index: number; label: string; phase: string | null };
}

/** A lookup's answer. A damaged or expired entry is a miss; `warning` says why for the user. */
export type CacheLookup =
  | { hit: true; entry: CacheEntry }
  | { hit: false; reason: 'absent' | 'expired' | 'corrupt'; warning?: string };

/** Summary of the whole store (`wf cache stats`). */
export interface CacheStats {
  entries: number;
  /** Bytes on disk of all entries. */
  bytes: number;
  corrupt: number;
  expired: number;
  oldest?: string;
  newest?: string;
}

/** One row of a listing: the entry, or a damaged file the store could not read. */
export type CacheListing =
  | { ok: true; entry: CacheEntry; bytes: number }
  | { ok: false; key: string; bytes: number; problem: string };

/**
 * A claim on a key while its step runs live (single-flight, C3): two identical calls running at the
 * same moment pay once. The holder calls `release()` after it has `put` the entry (or failed);
 * a holder that dies without releasing loses its claim (stale-lease detection).
 */
export interface CacheLease {
  release(): Promise<void>;
}

export interface CacheStore {
  /** Human description for messages, e.g. the directory. */
  readonly location: string;
  get(key: string, now?: number): Promise<CacheLookup>;
  /** Create-only; with `replace` (a refreshed step) the new entry replaces the old one atomically. */
  put(entry: CacheEntry, options?: { replace?: boolean }): Promise<void>;
  /**
   * Claims `key` for a live run. Resolves with a lease when this caller should run the step, or with
   * the entry when another holder completed it while we waited. Waiting ends when the holder releases
   * (without an entry: we get the lease), dies, or `signal` aborts (rejects with the abort reason).
   */
  claim(key: string, signal?: AbortSignal): Promise<{ lease: CacheLease } | { entry: CacheEntry }>;
  list(): AsyncIterable<CacheListing>;
  /** Removes the entry; false when it did not exist. */
  remove(key: string): Promise<boolean>;
  stats(now?: number): Promise<CacheStats>;
}
