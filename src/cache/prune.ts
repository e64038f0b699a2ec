/**
 * `wf cache prune` (spec C2, C3): removes what can never be a hit (damaged and expired entries),
 * then entries older than a limit, then the oldest entries until the store fits a byte budget.
 * Works on any CacheStore through its interface.
 */
import type { CacheStore } from './store.js';

/** What to prune besides damaged and expired entries, which always go. */
export interface PruneRules {
  /** Remove entries created more than this long before `now`. */
  olderThanMs?: number;
  /** Then remove the oldest entries until the rest take at most this many bytes. */
  maxBytes?: number;
  /** The current time (for tests); defaults to `Date.now()`. */
  now?: number;
}

/** What a prune did. `kept` counts the entries left, damaged ones never among them. */
export interface PruneResult {
  removed: number;
  freedBytes: number;
  kept: number;
}

/** Prunes `store` by `rules`; an entry someone else removed meanwhile counts as neither removed nor kept. */
export async function pruneCache(store: CacheStore, rules: PruneRules = {}): Promise<PruneResult> {
  const now = rules.now ?? Date.now();
  const result: PruneResult = { removed: 0, freedBytes: 0, kept: 0 };
  const drop = async (key: string, bytes: number): Promise<void> => {
    if (await store.remove(key)) {
      result.removed++;
      result.freedBytes += bytes;
    }
  };

  const kept: Array<{ key: string; bytes: number; created: number }> = [];
  for await (const row of store.list()) {
    if (!row.ok) {
      await drop(row.key, row.bytes);
      continue;
    }
    // An unreadable time counts as the oldest possible: such an entry goes first.
    const created = Date.parse(row.entry.createdAt) || 0;
    const expired = row.entry.expiresAt !== undefined && Date.parse(row.entry.expiresAt) <= now;
    const tooOld = rules.olderThanMs !== undefined && now - created > rules.olderThanMs;
    if (expired || tooOld) await drop(row.entry.key, row.bytes);
    else kept.push({ key: row.entry.key, bytes: row.bytes, created });
  }

  let first = 0;
  if (rules.maxBytes !== undefined) {
    kept.sort((a, b) => a.created - b.created || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    let total = kept.reduce((sum, entry) => sum + entry.bytes, 0);
    while (total > rules.maxBytes && first < kept.length) {
      const oldest = kept[first++]!;
      await drop(oldest.key, oldest.bytes);
      total -= oldest.bytes;
    }
  }
  result.kept = kept.length - first;
  return result;
}
