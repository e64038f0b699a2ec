/**
 * `wf cache stats | ls | show <key> | rm <selector> | prune`: look after the project's step cache
 * (`.boocode/cache/`, spec C2–C3). The group only assembles its subcommands.
 */
import { Command } from 'commander';
import type { Output } from '../../output.js';
import { cacheListCommand } from './list.js';
import { cachePruneCommand } from './prune.js';
import { cacheRemoveCommand } from './remove.js';
import { cacheShowCommand } from './show.js';
import { cacheStatsCommand } from './stats.js';

export function cacheCommand(io: Output): Command {
  const group = new Command('cache').description("inspect and clean the project's step cache (.boocode/cache)");
  for (const command of [cacheStatsCommand(io), cacheListCommand(io), cacheShowCommand(io), cacheRemoveCommand(io), cachePruneCommand(io)]) {
    command.exitOverride().configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) });
    group.addCommand(command);
  }
  return group;
}
