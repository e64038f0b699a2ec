/** `wf runs [list flags] | prune`: the project's run history. (Being built: issue 6.) */
import { Command } from 'commander';
import type { Output } from '../../output.js';

export function runsCommand(io: Output): Command {
  return new Command('runs').description('list the recent runs of this project').action(() => io.err('wf runs: not built yet'));
}
