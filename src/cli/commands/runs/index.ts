/**
 * `wf runs [list flags] | prune`: the project's run history (`.boocode/runs/`, spec R1). The group
 * only assembles its subcommands; `list` is the default, so `wf runs --json` lists. (A listing
 * action on the group itself would take `--json` from `wf runs prune … --json` too: the program
 * parses options wherever they appear.)
 */
import { Command } from 'commander';
import type { Output } from '../../output.js';
import { runsListCommand } from './list.js';
import { runsPruneCommand } from './prune.js';

export function runsCommand(io: Output): Command {
  const group = new Command('runs')
    .description('list the runs of this project (`wf runs list --help` for the flags) or prune old ones')
    .addHelpText('after', '\nExamples:\n  wf runs\n  wf runs --status failed --limit 5\n  wf runs prune --older-than 30d --dry-run');
  for (const [command, isDefault] of [
    [runsListCommand(io), true],
    [runsPruneCommand(io), false],
  ] as const) {
    command.exitOverride().configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) });
    group.addCommand(command, { isDefault });
  }
  return group;
}
