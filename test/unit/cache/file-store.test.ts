import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { canonicalJson, sha256Hex } from '../../../src/cache/canonical-json.js';
import { CacheKeyError, CacheStoreError } from '../../../src/cache/errors.js';
import { CACHE_DIRNAME, FileCacheStore } from '../../../src/cache/file-store.js';
import type { CacheEntry, CacheListing } from '../../../src/cache/store.js';

const ROOT = resolve(__dirname, '../../..');
/** Child processes import the build (like the sandbox child); `npm test` builds before it runs vitest. */
const BUILT_STORE = join(ROOT, 'dist', 'cache', 'file-store.js');

function makeStore(): { store: FileCacheStore; dir: string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'wf-cache-')), CACHE_DIRNAME);
  return { store: new FileCacheStore(dir), dir };
}

function keyOf(spec: unknown): string {
  return `s1:${sha256Hex(canonicalJson(spec))}`;
}

function entryFor(name: string, overrides: Partial<CacheEntry> = {}): CacheEntry {
  const spec = { v: 1, prompt: name };
  return {
    key: keyOf(spec),
    spec,
    value: `done: ${name}`,
    usage: { input: 100, output: 10, reasoning: 0 },
    createdAt: '2025-01-01T00:00:00.000Z',
    producer: { runId: 'run-1', workflow: 'test', index: 0, label: name, phase: null },
    ...overrides,
  };
}

function entryFile(dir: string, key: string, suffix = '.json'): string {
  const hex = key.slice(3);
  return join(dir, 's1', hex.slice(0, 2), `${hex}${suffix}`);
}

/** Every file under the store directory, relative to it. */
function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

async function collect(rows: AsyncIterable<CacheListing>): Promise<CacheListing[]> {
  const out: CacheListing[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}

/** True when `promise` has not settled after `ms` (used only to show that something waits). */
async function stillPending(promise: Promise<unknown>, ms = 150): Promise<boolean> {
  const marker = Symbol('pending');
  const winner = await Promise.race([promise.then(() => null, () => null), delay(ms).then(() => marker)]);
  return winner === marker;
}

/** A pid that certainly belonged to a process and now belongs to none. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  expect(child.status).toBe(0);
  return child.pid;
}

function writeLock(dir: string, key: string, text: string, ageMs = 0): string {
  const path = entryFile(dir, key, '.lock');
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    utimesSync(path, then, then);
  }
  return path;
}

describe('FileCacheStore: put and get', () => {
  test('C2 put then get round-trips the entry, one file per entry at s1/<ab>/<hex>.json', async () => {
    const { store, dir } = makeStore();
    const entry = entryFor('A', { model: 'openai/gpt-5', value: { answer: [1, 'two', null] }, expiresAt: '2999-01-01T00:00:00.000Z' });
    expect(await store.get(entry.key)).toEqual({ hit: false, reason: 'absent' });
    await store.put(entry);
    expect(await store.get(entry.key)).toEqual({ hit: true, entry });
    expect(allFiles(dir)).toEqual([join('s1', entry.key.slice(3, 5), `${entry.key.slice(3)}.json`)]);
    expect(JSON.parse(readFileSync(entryFile(dir, entry.key), 'utf8'))).toEqual(entry);
    expect(store.location).toBe(dir);
  });

  test('C2 a null value is stored and read back as null', async () => {
    const { store } = makeStore();
    const entry = entryFor('N', { value: null });
    await store.put(entry);
    expect(await store.get(entry.key)).toEqual({ hit: true, entry });
  });

  test('C2 create-only put keeps the first writer', async () => {
    const { store } = makeStore();
    const first = entryFor('A');
    await store.put(first);
    await store.put({ ...first, value: 'second', producer: { ...first.producer, runId: 'run-2' } });
    expect(await store.get(first.key)).toEqual({ hit: true, entry: first });
  });

  test('C3 put with replace replaces the entry', async () => {
    const { store } = makeStore();
    const first = entryFor('A');
    const refreshed = { ...first, value: 'fresh', createdAt: '2025-02-01T00:00:00.000Z' };
    await store.put(first);
    await store.put(refreshed, { replace: true });
    expect(await store.get(first.key)).toEqual({ hit: true, entry: refreshed });
  });

  test('C2 no temp files are left behind, after success or failure', async () => {
    const { store, dir } = makeStore();
    const a = entryFor('A');
    await store.put(a);
    await store.put(a);
    await store.put(a, { replace: true });
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.put({ ...a, value: `v${i}` }, { replace: i % 2 === 0 })));
    // A directory where the entry should be: link and rename both fail, and the temp file still goes.
    const b = entryFor('B');
    mkdirSync(entryFile(dir, b.key), { recursive: true });
    await expect(store.put(b)).rejects.toSatisfy((error) => CacheStoreError.isInstance(error));
    await expect(store.put(b, { replace: true })).rejects.toSatisfy((error) => CacheStoreError.isInstance(error));
    expect(allFiles(dir)).toEqual([join('s1', a.key.slice(3, 5), `${a.key.slice(3)}.json`)]);
  });

  test.skipIf(process.getuid?.() === 0)('C2 a directory that cannot be written is a CacheStoreError, not a crash', async () => {
    const { store, dir } = makeStore();
    mkdirSync(join(dir, '..'), { recursive: true });
    mkdirSync(dir, { mode: 0o500 });
    const error = await store.put(entryFor('A')).catch((caught: unknown) => caught);
    expect(CacheStoreError.isInstance(error)).toBe(true);
    expect((error as CacheStoreError).code).toBe('WF_CACHE_STORE');
  });

  test('C2 an entry that get() would call damaged is refused by put()', async () => {
    const { store, dir } = makeStore();
    const entry = entryFor('A');
    await expect(store.put({ ...entry, value: undefined })).rejects.toThrow(/no value/);
    await expect(store.put({ ...entry, createdAt: 'yesterday' })).rejects.toThrow(/createdAt is not a time/);
    await expect(store.put({ ...entry, value: 1n })).rejects.toSatisfy((error) => CacheStoreError.isInstance(error));
    expect(allFiles(dir)).toEqual([]);
  });

  test('C1 a malformed key is a CacheKeyError', async () => {
    const { store } = makeStore();
    for (const key of ['abc', 's1:' + 'A'.repeat(64), 's1:' + 'a'.repeat(63), 's2:' + 'a'.repeat(64), `s1:${'a'.repeat(64)}/..`]) {
      await expect(store.get(key)).rejects.toSatisfy((error) => CacheKeyError.isInstance(error) && /malformed cache key/.test((error as Error).message));
      await expect(store.remove(key)).rejects.toSatisfy((error) => CacheKeyError.isInstance(error));
      await expect(store.claim(key)).rejects.toSatisfy((error) => CacheKeyError.isInstance(error));
      await expect(store.put({ ...entryFor('A'), key })).rejects.toSatisfy((error) => CacheKeyError.isInstance(error));
    }
  });

  test('C3 an expired entry is a miss, judged by the injected now; a create-only put replaces it', async () => {
    const { store } = makeStore();
    const expiresAt = '2025-01-02T00:00:00.000Z';
    const entry = entryFor('A', { expiresAt });
    await store.put(entry);
    expect(await store.get(entry.key, Date.parse(expiresAt) - 1)).toEqual({ hit: true, entry });
    expect(await store.get(entry.key, Date.parse(expiresAt))).toEqual({ hit: false, reason: 'expired' });
    expect(await store.get(entry.key)).toEqual({ hit: false, reason: 'expired' });
    const renewed = { ...entry, value: 'renewed', expiresAt: '2999-01-01T00:00:00.000Z' };
    await store.put(renewed);
    expect(await store.get(entry.key)).toEqual({ hit: true, entry: renewed });
  });

  test('C2 remove: true when it removed the entry, false when there was none', async () => {
    const { store } = makeStore();
    const entry = entryFor('A');
    await store.put(entry);
    expect(await store.remove(entry.key)).toBe(true);
    expect(await store.remove(entry.key)).toBe(false);
    expect(await store.get(entry.key)).toEqual({ hit: false, reason: 'absent' });
  });
});

describe('FileCacheStore: damaged entries', () => {
  const valid = entryFor('A');
  const validText = `${JSON.stringify(valid, null, 2)}\n`;
  const damaged: Array<[string, string, string]> = [
    ['garbage', 'garbage \u0000\u0001 not json', 'not valid JSON'],
    ['a truncated (half-written) file', validText.slice(0, Math.floor(validText.length / 2)), 'not valid JSON'],
    ['an empty file', '', 'empty file'],
    ['a JSON array', '[1,2]', 'not a JSON object'],
    ['an entry of another key', JSON.stringify({ ...valid, key: entryFor('B').key }), 'it holds a different key'],
    ['an entry without a value', JSON.stringify({ ...valid, value: undefined }), 'no value'],
    ['an entry without usage', JSON.stringify({ ...valid, usage: 'lots' }), 'no usage object'],
    ['an entry without a spec', JSON.stringify({ ...valid, spec: null }), 'no spec object'],
    ['an entry without a producer', JSON.stringify({ ...valid, producer: undefined }), 'no producer object'],
    ['an entry without createdAt', JSON.stringify({ ...valid, createdAt: 5 }), 'createdAt is not a time'],
    ['an entry with a bad expiresAt', JSON.stringify({ ...valid, expiresAt: 'soon' }), 'expiresAt is not a time'],
  ];

  test.each(damaged)('J16 a corrupt entry is a miss with a warning, never a crash: %s; a later put replaces it', async (_name, text, why) => {
    const { store, dir } = makeStore();
    const path = entryFile(dir, valid.key);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    expect(await store.get(valid.key)).toEqual({
      hit: false,
      reason: 'corrupt',
      warning: `cache entry ${valid.key} is damaged (${why}) and was ignored; it will be replaced`,
    });
    await store.put(valid);
    expect(await store.get(valid.key)).toEqual({ hit: true, entry: valid });
    expect(allFiles(dir)).toEqual([join('s1', valid.key.slice(3, 5), `${valid.key.slice(3)}.json`)]);
  });
});

describe('FileCacheStore: list and stats', () => {
  test('C2 list skips temp, lock and stray files and reports damaged ones by key', async () => {
    const { store, dir } = makeStore();
    expect(await collect(store.list())).toEqual([]);
    const a = entryFor('A');
    const b = entryFor('B');
    await store.put(a);
    await store.put(b);
    const c = entryFor('C');
    const damagedPath = entryFile(dir, c.key);
    mkdirSync(join(damagedPath, '..'), { recursive: true });
    writeFileSync(damagedPath, '{"key":');
    writeFileSync(`${entryFile(dir, a.key)}.123.abcdef.tmp`, '{"half');
    writeFileSync(entryFile(dir, a.key, '.lock'), JSON.stringify({ pid: process.pid, hostname: hostname(), createdAt: new Date().toISOString() }));
    writeFileSync(`${entryFile(dir, b.key, '.lock')}.1.ff.stale`, 'x');
    writeFileSync(join(dir, 's1', 'README'), 'not an entry');

    const rows = await collect(store.list());
    const byKey = new Map(rows.map((row) => [row.ok ? row.entry.key : row.key, row]));
    expect(rows).toHaveLength(3);
    expect(byKey.get(a.key)).toEqual({ ok: true, entry: a, bytes: statSync(entryFile(dir, a.key)).size });
    expect(byKey.get(b.key)).toEqual({ ok: true, entry: b, bytes: statSync(entryFile(dir, b.key)).size });
    expect(byKey.get(c.key)).toEqual({ ok: false, key: c.key, bytes: 7, problem: 'not valid JSON' });
  });

  test('C2 stats counts entries, bytes, damaged and expired ones, and the oldest and newest', async () => {
    const { store, dir } = makeStore();
    expect(await store.stats()).toEqual({ entries: 0, bytes: 0, corrupt: 0, expired: 0 });
    await store.put(entryFor('old', { createdAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-06-01T00:00:00.000Z' }));
    await store.put(entryFor('mid', { createdAt: '2024-03-01T00:00:00.000Z' }));
    await store.put(entryFor('new', { createdAt: '2024-05-01T00:00:00.000Z' }));
    const broken = entryFile(dir, entryFor('broken').key);
    mkdirSync(join(broken, '..'), { recursive: true });
    writeFileSync(broken, 'xx');
    const bytes = allFiles(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
    expect(await store.stats(Date.parse('2024-07-01T00:00:00.000Z'))).toEqual({
      entries: 4,
      bytes,
      corrupt: 1,
      expired: 1,
      oldest: '2024-01-01T00:00:00.000Z',
      newest: '2024-05-01T00:00:00.000Z',
    });
    expect((await store.stats(Date.parse('2024-02-01T00:00:00.000Z'))).expired).toBe(0);
  });
});

describe('FileCacheStore: claim (single-flight)', () => {
  test('C3 a claim on a free key gets a lease; release removes the lock and is idempotent', async () => {
    const { store, dir } = makeStore();
    const key = entryFor('A').key;
    const claimed = await store.claim(key);
    expect('lease' in claimed).toBe(true);
    const lock = JSON.parse(readFileSync(entryFile(dir, key, '.lock'), 'utf8')) as Record<string, unknown>;
    expect(lock).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(Number.isNaN(Date.parse(lock.createdAt as string))).toBe(false);
    if (!('lease' in claimed)) return;
    await claimed.lease.release();
    await claimed.lease.release();
    expect(allFiles(dir)).toEqual([]);
  });

  test('C3 a second claimer in the same process waits, and receives the entry the first put before releasing', async () => {
    const { store } = makeStore();
    const entry = entryFor('A');
    const first = await store.claim(entry.key);
    if (!('lease' in first)) throw new Error('expected a lease');
    const second = store.claim(entry.key);
    expect(await stillPending(second)).toBe(true);
    await store.put(entry);
    await first.lease.release();
    expect(await second).toEqual({ entry });
  });

  test('C3 a holder that releases without an entry hands the lease to the waiter', async () => {
    const { store, dir } = makeStore();
    const key = entryFor('A').key;
    const first = await store.claim(key);
    if (!('lease' in first)) throw new Error('expected a lease');
    const second = store.claim(key);
    expect(await stillPending(second)).toBe(true);
    await first.lease.release();
    const got = await second;
    expect('lease' in got).toBe(true);
    if ('lease' in got) await got.lease.release();
    expect(allFiles(dir)).toEqual([]);
  });

  test('C3 a claim whose lock belongs to a dead pid is taken over', async () => {
    const { store, dir } = makeStore();
    const key = entryFor('A').key;
    const path = writeLock(dir, key, JSON.stringify({ pid: deadPid(), hostname: hostname(), createdAt: new Date().toISOString() }));
    const claimed = await store.claim(key);
    expect('lease' in claimed).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid });
    if ('lease' in claimed) await claimed.lease.release();
    expect(allFiles(dir)).toEqual([]);
  });

  test('C3 a lock older than 24 h, or unreadable and older than 10 s, is taken over', async () => {
    const { store, dir } = makeStore();
    const old = entryFor('old').key;
    writeLock(dir, old, JSON.stringify({ pid: process.pid, hostname: 'elsewhere', createdAt: '2020-01-01T00:00:00.000Z' }), 25 * 3600_000);
    const garbled = entryFor('garbled').key;
    writeLock(dir, garbled, '', 20_000);
    for (const key of [old, garbled]) {
      const claimed = await store.claim(key);
      expect('lease' in claimed).toBe(true);
      if ('lease' in claimed) await claimed.lease.release();
    }
    expect(allFiles(dir)).toEqual([]);
  });

  test('C3 a live lock is respected: same process, another host, a fresh unreadable lock; abort rejects with the reason', async () => {
    const { store, dir } = makeStore();
    const cases = [
      JSON.stringify({ pid: process.pid, hostname: hostname(), createdAt: new Date().toISOString() }),
      JSON.stringify({ pid: deadPid(), hostname: `not-${hostname()}`, createdAt: new Date().toISOString() }),
      '{"pid":',
    ];
    for (const [index, text] of cases.entries()) {
      const key = entryFor(`held ${index}`).key;
      const path = writeLock(dir, key, text);
      const controller = new AbortController();
      const claimed = store.claim(key, controller.signal);
      expect(await stillPending(claimed)).toBe(true);
      const reason = new Error(`stopped ${index}`);
      controller.abort(reason);
      await expect(claimed).rejects.toBe(reason);
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
  });

  test('C3 an already-aborted signal rejects at once and takes no lock', async () => {
    const { store, dir } = makeStore();
    const reason = new Error('stop');
    await expect(store.claim(entryFor('A').key, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(allFiles(dir)).toEqual([]);
  });

  test('C3 a waiter finds an entry that exists while the lock is held', async () => {
    const { store, dir } = makeStore();
    const entry = entryFor('A');
    await store.put(entry);
    writeLock(dir, entry.key, JSON.stringify({ pid: process.pid, hostname: hostname(), createdAt: new Date().toISOString() }));
    expect(await store.claim(entry.key)).toEqual({ entry });
  });
});

describe('FileCacheStore: several processes', () => {
  const children: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const proc of children.splice(0)) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });

  const builtNote = `the multi-process tests import ${BUILT_STORE}; run \`npm run build\` first (npm test does)`;

  function builtIsCurrent(): void {
    if (!existsSync(BUILT_STORE)) throw new Error(`missing build: ${builtNote}`);
    for (const name of ['file-store', 'canonical-json', 'errors']) {
      const source = statSync(join(ROOT, 'src', 'cache', `${name}.ts`)).mtimeMs;
      const built = join(ROOT, 'dist', 'cache', `${name}.js`);
      if (!existsSync(built) || statSync(built).mtimeMs < source) throw new Error(`stale build of src/cache/${name}.ts: ${builtNote}`);
    }
  }

  /** A node child running `body` with `store` (a FileCacheStore on `dir`) in scope; it reads commands from stdin. */
  function child(dir: string, body: string): { process: ChildProcessWithoutNullStreams; lines: string[]; next(text: string): Promise<string>; exit: Promise<number | null> } {
    const script = `
      import { FileCacheStore } from ${JSON.stringify(pathToFileURL(BUILT_STORE).href)};
      import { createHash } from 'node:crypto';
      import { createInterface } from 'node:readline';
      const store = new FileCacheStore(${JSON.stringify(dir)});
      const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
      const command = async () => (await input.next()).value;
      const say = (text) => process.stdout.write(text + '\\n');
      ${body}
      process.exit(0);
    `;
    const proc = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' });
    children.push(proc);
    const lines: string[] = [];
    const waiters: Array<{ text: string; resolve: (line: string) => void }> = [];
    let buffer = '';
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        for (const waiter of waiters.filter((w) => line.startsWith(w.text))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
    const exit = new Promise<number | null>((resolveExit) =>
      proc.on('exit', (code, signal) => {
        if (code !== 0 && signal === null) process.stderr.write(`cache child failed (${code}): ${stderr}\n`);
        resolveExit(code);
      }),
    );
    return {
      process: proc,
      lines,
      exit,
      next: (text) =>
        new Promise((resolveLine) => {
          const seen = lines.find((line) => line.startsWith(text));
          if (seen) resolveLine(seen);
          else waiters.push({ text, resolve: resolveLine });
        }),
    };
  }

  test('C2 two processes writing 50 different and 50 identical keys at once: every entry is whole and readable', async () => {
    builtIsCurrent();
    const { store, dir } = makeStore();
    const body = (me: string): string => `
      const me = ${JSON.stringify(me)};
      const entry = (prompt, value) => ({
        key: 's1:' + createHash('sha256').update(prompt).digest('hex'),
        spec: { prompt },
        value,
        usage: { input: 1, output: 1, reasoning: 0 },
        createdAt: new Date().toISOString(),
        producer: { runId: 'run-' + me, workflow: 'w', index: 0, label: prompt, phase: null },
      });
      say('ready');
      await command();
      const puts = [];
      for (let i = 0; i < 50; i++) {
        puts.push(store.put(entry('own ' + me + ' ' + i, { me, i, pad: 'x'.repeat(2000) })));
        puts.push(store.put(entry('shared ' + i, { me, i, pad: 'y'.repeat(2000) }), { replace: i % 5 === 0 }));
      }
      await Promise.all(puts);
    `;
    const workers = ['one', 'two'].map((name) => child(dir, body(name)));
    await Promise.all(workers.map((worker) => worker.next('ready')));
    for (const worker of workers) worker.process.stdin.write('go\n');
    expect(await Promise.all(workers.map((worker) => worker.exit))).toEqual([0, 0]);

    const rows = await collect(store.list());
    expect(rows.filter((row) => !row.ok)).toEqual([]);
    expect(rows).toHaveLength(150);
    for (const row of rows) {
      if (!row.ok) continue;
      const value = row.entry.value as { me: string; i: number; pad: string };
      expect(['one', 'two']).toContain(value.me);
      expect(value.pad).toHaveLength(2000);
      expect(row.entry.key).toBe(`s1:${sha256Hex(row.entry.spec.prompt as string)}`);
      expect((await store.get(row.entry.key)).hit).toBe(true);
    }
    expect(allFiles(dir).filter((name) => !name.endsWith('.json'))).toEqual([]);
  });

  test('C3 two processes claiming one key: one runs, the other gets its entry', async () => {
    builtIsCurrent();
    const { dir } = makeStore();
    const entry = entryFor('shared step');
    const body = `
      const entry = ${JSON.stringify(entry)};
      const claimed = await store.claim(entry.key);
      if ('lease' in claimed) {
        say('leased');
        await command();
        await store.put({ ...entry, producer: { ...entry.producer, runId: 'run-' + process.pid } });
        await claimed.lease.release();
        say('ran ' + process.pid);
      } else {
        say('got ' + claimed.entry.producer.runId);
      }
    `;
    const holder = child(dir, body);
    await holder.next('leased');
    const waiter = child(dir, `say('claiming'); ${body}`);
    await waiter.next('claiming');
    // The waiter is blocked on the lock the holder keeps until told; give it a few polls of it.
    await delay(200);
    expect(waiter.lines).toEqual(['claiming']);
    holder.process.stdin.write('go\n');
    expect(await Promise.all([holder.exit, waiter.exit])).toEqual([0, 0]);
    expect(holder.lines).toEqual(['leased', `ran ${holder.process.pid}`]);
    expect(waiter.lines).toEqual(['claiming', `got run-${holder.process.pid}`]);
    expect(allFiles(dir)).toEqual([join('s1', entry.key.slice(3, 5), `${entry.key.slice(3)}.json`)]);
  });

  test('C3 the lock of a process that was killed while holding it is taken over', async () => {
    builtIsCurrent();
    const { store, dir } = makeStore();
    const key = entryFor('A').key;
    const holder = child(dir, `const claimed = await store.claim(${JSON.stringify(key)}); say('leased'); await command();`);
    await holder.next('leased');
    holder.process.kill('SIGKILL');
    await holder.exit;
    expect(existsSync(entryFile(dir, key, '.lock'))).toBe(true);
    const claimed = await store.claim(key);
    expect('lease' in claimed).toBe(true);
    if ('lease' in claimed) await claimed.lease.release();
  });
});
