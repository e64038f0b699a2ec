/** `wf inspect <runId>`: one run in detail. (Being built: issue 6.) */
import { Command } from 'commander';
import type { Output } from '../output.js';

export function inspectCommand(io: Output): Command {
  return new Command('inspect').description('show one run in detail').argument('<run>').action(() => io.err('wf inspect: not built yet'));
}
