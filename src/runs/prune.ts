/**
 * `wf runs prune`: removes the run directories of runs that started before a cut-off. A run whose
 * process is alive is never touched, whatever its age (its directory is being written). Worktrees
 * that isolated agents kept (`.boocode/worktrees/<runId>/`) are left alone even when their run
 * goes: they are registered with git, so deleting the directory would leave git with dangling
 * entries; they are reported so the user can remove them with `git worktree remove`.
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runStartedAt } from './history.js';
import { listRunIds, readRunRecord, runState, type RunState } from './run-lookup.js';

export interface PruneRunsOptions {
  runsDir: string;
  /** Runs that started longer ago than this (milliseconds) are removed. */
  olderThanMs: number;
  /** Only report what would be removed. */
  dryRun?: boolean;
  now?: () => number;
}

export interface PrunedRun {
  id: string;
  workflow: string | null;
  state: RunState;
  startedAt: string | null;
  /** Size of the run directory. */
  bytes: number;
}

export interface PruneRunsResult {
  dryRun: boolean;
  /** ISO 8601: runs that started before this are old enough to go. */
  cutoff: string;
  /** Removed runs (with `dryRun`, the ones that would be), oldest first. */
  removed: PrunedRun[];
  freedBytes: number;
  /** Old enough, but still running: kept. */
  keptRunning: Array<{ id: string; pid: number | null }>;
  /** Worktree directories of removed runs, left for `git worktree remove`. */
  worktreesLeft: string[];
  /** Runs whose directory could not be removed, with the reason. */
  failed: Array<{ id: string; error: string }>;
}

export async function pruneRuns({ runsDir, olderThanMs, dryRun = false, now = Date.now }: PruneRunsOptions): Promise<PruneRunsResult> {
  const cutoff = now() - olderThanMs;
  const result: PruneRunsResult = { dryRun, cutoff: new Date(cutoff).toISOString(), removed: [], freedBytes: 0, keptRunning: [], worktreesLeft: [], failed: [] };
  const worktreesDir = join(dirname(runsDir), 'worktrees');
  for (const id of (await listRunIds(runsDir)).reverse()) {
    const dir = join(runsDir, id);
    const record = await readRunRecord(dir);
    const started = runStartedAt(id, record);
    if (started === undefined || started >= cutoff) continue;
    const state = runState(record);
    if (state === 'running') {
      result.keptRunning.push({ id, pid: record.pid ?? null });
      continue;
    }
    const bytes = await directorySize(dir);
    if (!dryRun) {
      try {
        await rm(dir, { recursive: true, force: true });
      } catch (error) {
        result.failed.push({ id, error: (error as Error).message });
        continue;
      }
    }
    result.removed.push({ id, workflow: record.workflow ?? null, state, startedAt: new Date(started).toISOString(), bytes });
    result.freedBytes += bytes;
    const worktrees = join(worktreesDir, id);
    if (await exists(worktrees)) result.worktreesLeft.push(worktrees);
  }
  return result;
}

/** Bytes of the files under `path`, symlinks counted as themselves (never followed). */
async function directorySize(path: string): Promise<number> {
  let total = 0;
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) total += await directorySize(child);
    else total += (await lstat(child).catch(() => undefined))?.size ?? 0;
  }
  return total;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
