import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { canonicalJson, sha256Hex } from '../../../src/cache/canonical-json.js';
import { FileCacheStore } from '../../../src/cache/file-store.js';
import { pruneCache } from '../../../src/cache/prune.js';
import type { CacheEntry, CacheListing } from '../../../src/cache/store.js';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2025-06-01T00:00:00.000Z');

function entryAged(name: string, ageDays: number, overrides: Partial<CacheEntry> = {}): CacheEntry {
  const spec = { v: 1, prompt: name };
  return {
    key: `s1:${sha256Hex(canonicalJson(spec))}`,
    spec,
    value: `done: ${name}`,
    usage: { input: 1, output: 1, reasoning: 0 },
    createdAt: new Date(NOW - ageDays * DAY).toISOString(),
    producer: { runId: 'run-1', workflow: 'test', index: 0, label: name, phase: null },
    ...overrides,
  };
}

function makeStore(): { store: FileCacheStore; dir: string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'wf-prune-')), 'cache');
  return { store: new FileCacheStore(dir), dir };
}

function writeDamaged(dir: string, name: string, text: string): string {
  const key = entryAged(name, 0).key;
  const hex = key.slice(3);
  mkdirSync(join(dir, 's1', hex.slice(0, 2)), { recursive: true });
  writeFileSync(join(dir, 's1', hex.slice(0, 2), `${hex}.json`), text);
  return key;
}

async function rows(store: FileCacheStore): Promise<CacheListing[]> {
  const out: CacheListing[] = [];
  for await (const row of store.list()) out.push(row);
  return out;
}

async function labels(store: FileCacheStore): Promise<string[]> {
  return (await rows(store)).map((row) => (row.ok ? row.entry.producer.label : `damaged ${row.key}`)).sort();
}

describe('pruneCache', () => {
  test('C2 damaged and expired entries always go, even with no other rule', async () => {
    const { store, dir } = makeStore();
    await store.put(entryAged('fresh', 1));
    await store.put(entryAged('expired', 1, { expiresAt: new Date(NOW - 1).toISOString() }));
    await store.put(entryAged('not yet', 1, { expiresAt: new Date(NOW + DAY).toISOString() }));
    writeDamaged(dir, 'broken', '{"torn');
    const bytesBefore = (await rows(store)).reduce((sum, row) => sum + row.bytes, 0);
    const result = await pruneCache(store, { now: NOW });
    const bytesAfter = (await rows(store)).reduce((sum, row) => sum + row.bytes, 0);
    expect(result).toEqual({ removed: 2, freedBytes: bytesBefore - bytesAfter, kept: 2 });
    expect(await labels(store)).toEqual(['fresh', 'not yet']);
  });

  test('C2 prune by age removes entries created more than olderThanMs before now', async () => {
    const { store } = makeStore();
    for (const age of [1, 5, 10, 30]) await store.put(entryAged(`age ${age}`, age));
    const result = await pruneCache(store, { olderThanMs: 7 * DAY, now: NOW });
    expect(result.removed).toBe(2);
    expect(result.kept).toBe(2);
    expect(result.freedBytes).toBeGreaterThan(0);
    expect(await labels(store)).toEqual(['age 1', 'age 5']);
  });

  test('C2 prune by size removes the oldest entries until the rest fit in maxBytes', async () => {
    const { store } = makeStore();
    for (const age of [4, 1, 3, 2]) await store.put(entryAged(`age ${age}`, age, { value: 'x'.repeat(1000) }));
    const sizes = new Map((await rows(store)).map((row) => [row.ok ? row.entry.producer.label : '', row.bytes]));
    const budget = sizes.get('age 1')! + sizes.get('age 2')!;
    const result = await pruneCache(store, { maxBytes: budget, now: NOW });
    expect(result).toEqual({ removed: 2, freedBytes: sizes.get('age 3')! + sizes.get('age 4')!, kept: 2 });
    expect(await labels(store)).toEqual(['age 1', 'age 2']);

    expect(await pruneCache(store, { maxBytes: budget, now: NOW })).toEqual({ removed: 0, freedBytes: 0, kept: 2 });
    expect(await pruneCache(store, { maxBytes: 0, now: NOW })).toMatchObject({ removed: 2, kept: 0 });
    expect(await rows(store)).toEqual([]);
  });

  test('C2 age and size rules combine, and an empty or missing store prunes nothing', async () => {
    const { store } = makeStore();
    expect(await pruneCache(store, { olderThanMs: DAY, maxBytes: 0, now: NOW })).toEqual({ removed: 0, freedBytes: 0, kept: 0 });
    for (const age of [1, 2, 3, 40]) await store.put(entryAged(`age ${age}`, age));
    const one = (await rows(store))[0]!.bytes;
    const result = await pruneCache(store, { olderThanMs: 30 * DAY, maxBytes: one * 2, now: NOW });
    expect(result.removed).toBe(2);
    expect(result.kept).toBe(2);
    expect(await labels(store)).toEqual(['age 1', 'age 2']);
  });
});
