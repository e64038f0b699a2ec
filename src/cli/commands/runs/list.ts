/**
 * `wf runs [--status s] [--workflow name] [--limit n | --all] [--json]`: the project's runs, newest
 * first. It is the `runs` group's default subcommand, so `wf runs` and `wf runs list` are the same.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultDiscoveryOptions } from '../../../discovery/index.js';
import { DEFAULT_HISTORY_LIMIT, RUN_STATES, runHistory } from '../../../runs/history.js';
import { runsDirFor } from '../../../runs/project-dir.js';
import type { RunState } from '../../../runs/run-lookup.js';
import type { Output } from '../../output.js';

interface RunsFlags {
  status?: RunState[];
  workflow?: string;
  limit?: number;
  all?: boolean;
  json?: boolean;
}

/** `--status failed,stopped --status interrupted` → every state named, each checked. */
const collectStates = (value: string, previous: RunState[] = []): RunState[] => {
  const states = value.split(',').map((state) => state.trim()).filter(Boolean);
  const unknown = states.filter((state) => !(RUN_STATES as readonly string[]).includes(state));
  if (unknown.length > 0 || states.length === 0) throw new InvalidArgumentError(`expected one or more of ${RUN_STATES.join(', ')}, got "${value}"`);
  return [...previous, ...(states as RunState[])];
};

const positiveInteger = (value: string): number => {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a whole number of 1 or more, got "${value}"`);
  return parsed;
};

export function runsListCommand(io: Output): Command {
  return new Command('list')
    .description('list the runs of this project, newest first (the default of `wf runs`)')
    .option('--status <state>', `only runs in this state: ${RUN_STATES.join(', ')}; repeatable or comma-separated`, collectStates)
    .option('--workflow <name>', 'only runs of this workflow')
    .option('--limit <n>', `list at most this many runs; default ${DEFAULT_HISTORY_LIMIT}`, positiveInteger)
    .addOption(new Option('--all', 'list every run').conflicts('limit'))
    .option('--json', 'print the rows as a JSON array')
    .addHelpText('after', '\nExamples:\n  wf runs\n  wf runs --status failed,interrupted --limit 5\n  wf runs --workflow deep-research --json')
    .action(async (flags: RunsFlags) => {
      const runsDir = runsDirFor(defaultDiscoveryOptions().cwd);
      const history = await runHistory({
        runsDir,
        ...(flags.status ? { states: flags.status } : {}),
        ...(flags.workflow === undefined ? {} : { workflow: flags.workflow }),
        limit: flags.all ? null : (flags.limit ?? DEFAULT_HISTORY_LIMIT),
      });
      if (flags.json) {
        io.out(JSON.stringify(history.runs, null, 2));
        return;
      }
      const filtered = flags.status !== undefined || flags.workflow !== undefined;
      const { renderRunHistory } = await import('../../render/run-history.js'); // on demand: see inspect.ts
      io.out(renderRunHistory({ ...history, filtered, runsDir }, { width: process.stdout.columns ?? 100 }));
      if (history.more) io.err(`wf: showing the newest ${history.runs.length}; --limit <n> or --all for more`);
    });
}
