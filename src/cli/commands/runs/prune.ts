/** `wf runs prune --older-than <duration> [--dry-run] [--json]`: remove old run directories. */
import { Command, InvalidArgumentError } from 'commander';
import { defaultDiscoveryOptions } from '../../../discovery/index.js';
import { parseDuration } from '../../../engine/duration.js';
import { runsDirFor } from '../../../runs/project-dir.js';
import { pruneRuns } from '../../../runs/prune.js';
import type { Output } from '../../output.js';

const duration = (value: string): number => {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.ms;
};

export function runsPruneCommand(io: Output): Command {
  return new Command('prune')
    .description('remove the directories of runs that started longer ago than a limit; a running run is never removed')
    .requiredOption('--older-than <duration>', 'remove runs started longer ago than this, e.g. 7d or 12h', duration)
    .option('--dry-run', 'only list what would be removed')
    .option('--json', 'print what was removed as JSON')
    .addHelpText('after', '\nWorktrees that agents kept (.boocode/worktrees/<runId>/) are left in place and listed; remove them with `git worktree remove`.\n\nExamples:\n  wf runs prune --older-than 30d --dry-run\n  wf runs prune --older-than 7d')
    .action(async (flags: { olderThan: number; dryRun?: boolean; json?: boolean }) => {
      const result = await pruneRuns({ runsDir: runsDirFor(defaultDiscoveryOptions().cwd), olderThanMs: flags.olderThan, dryRun: Boolean(flags.dryRun) });
      for (const failure of result.failed) io.err(`wf: could not remove run ${failure.id}: ${failure.error}`);
      io.out(flags.json ? JSON.stringify(result, null, 2) : (await import('../../render/pruned-runs.js')).renderPrunedRuns(result, { width: process.stdout.columns ?? 100 }));
    });
}
