/**
 * The journal's two promises (runs/journal.ts): a line is in the file when append() resolves
 * (what survives kill -9), and with `every-step` it has also been fdatasynced. fdatasync is
 * wrapped so the tests can see when it runs and hold it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';

const syncs = vi.hoisted(() => ({ calls: 0, hold: null as null | Promise<void> }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fdatasync: (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      syncs.calls += 1;
      const held = syncs.hold ?? Promise.resolve();
      void held.then(() => fs.fdatasync(fd, callback));
    },
  };
});

const { Journal, readJournal } = await import('../../../src/runs/journal.js');

function journalPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'wf-journal-')), 'journal.jsonl');
}

afterEach(() => {
  syncs.calls = 0;
  syncs.hold = null;
});

describe('R1 the journal', () => {
  test('R1 a line is whole in the file when append() resolves, before any fdatasync (batched)', async () => {
    const path = journalPath();
    const journal = await Journal.open(path, 'batched');
    await journal.append({ type: 'agent-end', index: 0, value: 'ok' });
    expect(readFileSync(path, 'utf8')).toBe('{"type":"agent-end","index":0,"value":"ok"}\n');
    expect(syncs.calls).toBe(0); // the sync comes later, in the background
    await journal.close();
    expect(syncs.calls).toBe(1); // and at the latest when the journal closes
    expect(await readJournal(path)).toEqual([{ type: 'agent-end', index: 0, value: 'ok' }]);
  });

  test('R1 every-step: append() resolves only once an fdatasync covering its line has finished', async () => {
    const path = journalPath();
    const journal = await Journal.open(path, 'every-step');
    let release!: () => void;
    syncs.hold = new Promise((resolve) => (release = resolve));
    let resolved = false;
    const appended = journal.append({ type: 'agent-end', index: 0 }).then(() => (resolved = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readFileSync(path, 'utf8')).toContain('"index":0'); // written, but not yet synced
    expect(resolved).toBe(false);
    release();
    await appended;
    expect(resolved).toBe(true);
    await journal.close();
  });

  test('R1 every-step: appends made while an fdatasync is in flight share the next one (group commit)', async () => {
    const journal = await Journal.open(journalPath(), 'every-step');
    let release!: () => void;
    syncs.hold = new Promise((resolve) => (release = resolve));
    const first = journal.append({ type: 'a' });
    const rest = [journal.append({ type: 'b' }), journal.append({ type: 'c' }), journal.append({ type: 'd' })];
    expect(syncs.calls).toBe(1);
    release();
    await Promise.all([first, ...rest]);
    expect(syncs.calls).toBe(2); // one for the first line, one shared by the three written during it
    await journal.close();
  });
});
