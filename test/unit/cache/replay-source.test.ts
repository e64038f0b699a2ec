/** Matrix J15: the rules by which a resumed run replays the journal of the run it resumes. */
import { describe, expect, test } from 'vitest';
import { ReplaySource } from '../../../src/cache/replay-source.js';
import type { JournalEvent } from '../../../src/runs/journal.js';

const end = (index: number, key: string, status = 'completed', value: unknown = `v${index}`): JournalEvent => ({
  type: 'agent-end',
  index,
  key,
  status,
  ...(status === 'completed' ? { value } : {}),
  label: `l${index}`,
  phase: null,
});

describe('J15 replay cursor rules', () => {
  test('J15 a stopped entry is a miss and ends the prefix', () => {
    const cursor = new ReplaySource('wf_r', [end(0, 'k0'), end(1, 'k1', 'stopped'), end(2, 'k2')]).prefixCursor();
    expect(cursor.next(0, 'k0')?.value).toBe('v0');
    expect(cursor.next(1, 'k1')).toBeUndefined();
    expect(cursor.next(2, 'k2')).toBeUndefined();
  });

  test('J15 a missing index ends the prefix even if later indexes completed', () => {
    const cursor = new ReplaySource('wf_r', [end(0, 'k0'), end(2, 'k2')]).prefixCursor();
    expect(cursor.next(0, 'k0')).toBeDefined();
    expect(cursor.next(1, 'k1')).toBeUndefined();
    expect(cursor.next(2, 'k2')).toBeUndefined();
  });

  test('J15 asking for index 1 before 0 ends the prefix', () => {
    const cursor = new ReplaySource('wf_r', [end(0, 'k0'), end(1, 'k1')]).prefixCursor();
    expect(cursor.next(1, 'k1')).toBeUndefined();
    expect(cursor.next(0, 'k0')).toBeUndefined();
  });

  test('J15 lines written in completion order are replayed in start order', () => {
    const cursor = new ReplaySource('wf_r', [end(2, 'k2'), end(0, 'k0'), end(1, 'k1')]).prefixCursor();
    expect([0, 1, 2].map((index) => cursor.next(index, `k${index}`)?.value)).toEqual(['v0', 'v1', 'v2']);
  });

  test('J15 an empty journal replays nothing: all live', () => {
    const source = new ReplaySource('wf_r', []);
    expect(source.completedCount).toBe(0);
    expect(source.prefixCursor().next(0, 'k0')).toBeUndefined();
    expect(source.byKey('k0')).toBeUndefined();
  });

  test('J15 J21 a completed null value is a hit that replays null', () => {
    const source = new ReplaySource('wf_r', [end(0, 'k0', 'completed', null)]);
    expect(source.byKey('k0')).toMatchObject({ value: null, status: 'completed' });
    expect(source.prefixCursor().next(0, 'k0')).toMatchObject({ value: null });
  });

  test('J15 a duplicate index: the last line wins', () => {
    const source = new ReplaySource('wf_r', [end(0, 'k0', 'stopped'), end(0, 'k0', 'completed', 'retried')]);
    expect(source.prefixCursor().next(0, 'k0')?.value).toBe('retried');
    const reverse = new ReplaySource('wf_r', [end(0, 'k0', 'completed', 'first'), end(0, 'k0', 'failed')]);
    expect(reverse.byKey('k0')).toBeUndefined();
  });

  test('J15 a changed key ends the prefix; content lookup finds a key wherever it was', () => {
    const source = new ReplaySource('wf_r', [end(0, 'k0'), end(1, 'k1'), end(2, 'k2')]);
    const cursor = source.prefixCursor();
    expect(cursor.next(0, 'k0')).toBeDefined();
    expect(cursor.next(1, 'k1-edited')).toBeUndefined();
    expect(cursor.next(2, 'k2')).toBeUndefined();
    expect(source.byKey('k2')?.index).toBe(2);
  });

  test('J15 lines that are not agent steps, or lack an index, a status or a value, are not replayed', () => {
    const source = new ReplaySource('wf_r', [
      { type: 'run-start' },
      { type: 'agent-end', index: 'zero', key: 'kx', status: 'completed', value: 1 },
      { type: 'agent-end', index: 0, key: 'k0', status: 'completed' },
      { type: 'something-new', index: 1 },
    ]);
    expect(source.completedCount).toBe(0);
    expect(source.byKey('k0')).toBeUndefined();
  });

  test('J15 a reused step is credited to the run that produced it live', () => {
    const source = new ReplaySource('wf_second', [{ ...end(0, 'k0'), cached: { via: 'journal', runId: 'wf_first' } }]);
    expect(source.byKey('k0')?.producerRunId).toBe('wf_first');
  });
});

describe('C4 a chain of resumes', () => {
  test('C4 content mode falls back to the runs a resumed run itself resumed; prefix mode does not', () => {
    const first = new ReplaySource('wf_first', [end(0, 'k0'), end(1, 'k1')]);
    const killedResume = new ReplaySource('wf_second', [end(0, 'k0')], [first]);
    expect(killedResume.byKey('k1')).toMatchObject({ value: 'v1', producerRunId: 'wf_first' });
    expect(killedResume.completedCount).toBe(3);
    const cursor = killedResume.prefixCursor();
    expect(cursor.next(0, 'k0')).toBeDefined();
    expect(cursor.next(1, 'k1')).toBeUndefined();
  });
});
