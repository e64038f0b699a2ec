/** `wf cache rm <selector>`: remove entries by label glob, phase:<name> or key:<prefix>. */
import { Command } from 'commander';
import { describeSelector, parseStepSelector } from '../../../cache/selector.js';
import { defaultDiscoveryOptions } from '../../../discovery/index.js';
import type { Output } from '../../output.js';
import { projectCacheStore } from '../../../index.js';
import { matchingEntries } from './entries.js';

export function cacheRemoveCommand(io: Output): Command {
  return new Command('rm')
    .description('remove the cache entries a selector matches, so those steps run live next time')
    .argument('<selector>', "a label glob ('review:*', '*' for all), phase:<name>, or key:<prefix>")
    .option('--dry-run', 'only list what would be removed')
    .action(async (selectorText: string, flags: { dryRun?: boolean }) => {
      const store = projectCacheStore(defaultDiscoveryOptions().cwd);
      const selector = parseStepSelector(selectorText);
      const matches = await matchingEntries(store, selector);
      let removed = 0;
      for (const { entry } of matches) {
        if (flags.dryRun || (await store.remove(entry.key))) removed += 1;
      }
      io.out(`${flags.dryRun ? 'would remove' : 'removed'} ${removed} entr${removed === 1 ? 'y' : 'ies'} matching ${describeSelector(selector)}`);
    });
}
