/**
 * Reading the project's cache for the `wf cache` commands: the store of the working directory's
 * project, its entries matching a selector, and one entry by (a unique prefix of) its key.
 */
import { type StepSelector, matchesStep } from '../../../cache/selector.js';
import type { CacheEntry, CacheListing, CacheStore } from '../../../cache/store.js';
import { WfUsageError } from '../../../errors.js';

/** Every listing row, valid entries first sorted by creation time (oldest first). */
export async function allListings(store: CacheStore): Promise<CacheListing[]> {
  const rows: CacheListing[] = [];
  for await (const row of store.list()) rows.push(row);
  return rows.sort((a, b) => (a.ok && b.ok ? a.entry.createdAt.localeCompare(b.entry.createdAt) : a.ok ? -1 : b.ok ? 1 : 0));
}

/** Entries whose producer (label, phase) or key the selector matches. */
export async function matchingEntries(store: CacheStore, selector: StepSelector): Promise<Array<{ entry: CacheEntry; bytes: number }>> {
  const rows = await allListings(store);
  const matches: Array<{ entry: CacheEntry; bytes: number }> = [];
  for (const row of rows) {
    if (!row.ok) continue;
    const { producer, key } = row.entry;
    if (matchesStep(selector, { label: producer.label, phase: producer.phase, key, index: producer.index })) matches.push(row);
  }
  return matches;
}

/** The entry whose key starts with `text` (`s1:` optional); a usage error if none or several do. */
export async function entryByKey(store: CacheStore, text: string): Promise<CacheListing> {
  const prefix = text.startsWith('s1:') ? text : `s1:${text}`;
  if (!/^s1:[0-9a-f]{1,64}$/.test(prefix)) throw new WfUsageError(`"${text}" is not a cache key: keys look like s1:<hex> (see \`wf cache ls\`)`);
  const found = (await allListings(store)).filter((row) => (row.ok ? row.entry.key : row.key).startsWith(prefix));
  if (found.length === 0) throw new WfUsageError(`no cache entry with key ${prefix}… in ${store.location}`);
  if (found.length > 1) throw new WfUsageError(`${found.length} cache entries start with ${prefix}; give more of the key`);
  return found[0]!;
}

export function shortKey(key: string): string {
  return key.slice(0, 15);
}
