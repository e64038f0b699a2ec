import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { pruneRuns } from '../../../src/runs/prune.js';
import { deadPid, endedRecord, T0, tempRunsDir, writeRun } from '../../support/run-fixture.js';

const DAY = 86_400_000;

/** Runs 10 days old (completed, interrupted, running) and one from an hour ago. */
function project() {
  const runsDir = tempRunsDir();
  const oldCompleted = writeRun(runsDir, { startMs: 0, record: endedRecord('completed') });
  writeFileSync(join(runsDir, oldCompleted, 'log.txt'), 'x'.repeat(5000));
  const oldInterrupted = writeRun(runsDir, { startMs: 1000, record: { workflow: 'flow', status: 'running', pid: deadPid() } });
  const oldRunning = writeRun(runsDir, { startMs: 2000, record: { workflow: 'flow', status: 'running' } }); // pid: this process
  const recent = writeRun(runsDir, { startMs: 10 * DAY - 3_600_000, record: endedRecord('failed') });
  return { runsDir, oldCompleted, oldInterrupted, oldRunning, recent, now: () => T0 + 10 * DAY };
}

describe('wf runs prune', () => {
  test('R1 removes ended and interrupted runs older than the limit, never a running one', async () => {
    const { runsDir, oldCompleted, oldInterrupted, oldRunning, recent, now } = project();
    const result = await pruneRuns({ runsDir, olderThanMs: 7 * DAY, now });
    expect(result.removed.map((run) => [run.id, run.state])).toEqual([
      [oldCompleted, 'completed'],
      [oldInterrupted, 'interrupted'],
    ]);
    expect(result.removed[0]!.bytes).toBeGreaterThan(5000);
    expect(result.freedBytes).toBe(result.removed[0]!.bytes + result.removed[1]!.bytes);
    expect(result.keptRunning).toEqual([{ id: oldRunning, pid: process.pid }]);
    expect(result).toMatchObject({ dryRun: false, cutoff: new Date(T0 + 3 * DAY).toISOString(), worktreesLeft: [], failed: [] });
    expect(readdirSync(runsDir).sort()).toEqual([oldRunning, recent].sort());
  });

  test('R1 --dry-run reports the same and removes nothing', async () => {
    const { runsDir, oldCompleted, oldInterrupted, now } = project();
    const before = readdirSync(runsDir).sort();
    const result = await pruneRuns({ runsDir, olderThanMs: 7 * DAY, now, dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.removed.map((run) => run.id)).toEqual([oldCompleted, oldInterrupted]);
    expect(result.freedBytes).toBeGreaterThan(5000);
    expect(readdirSync(runsDir).sort()).toEqual(before);
  });

  test('R1 a removed run\'s kept worktrees are left for git and reported', async () => {
    const { runsDir, oldCompleted, now } = project();
    const worktree = join(dirname(runsDir), 'worktrees', oldCompleted, '0-edit');
    mkdirSync(worktree, { recursive: true });
    writeFileSync(join(worktree, '.git'), 'gitdir: /somewhere/.git/worktrees/0-edit\n');
    const result = await pruneRuns({ runsDir, olderThanMs: 7 * DAY, now });
    expect(result.worktreesLeft).toEqual([join(dirname(runsDir), 'worktrees', oldCompleted)]);
    expect(existsSync(join(worktree, '.git'))).toBe(true);
    expect(existsSync(join(runsDir, oldCompleted))).toBe(false);
  });

  test('an empty or missing runs directory prunes nothing', async () => {
    const result = await pruneRuns({ runsDir: join(tempRunsDir(), 'missing'), olderThanMs: 1 });
    expect(result).toMatchObject({ removed: [], freedBytes: 0, keptRunning: [] });
  });
});
