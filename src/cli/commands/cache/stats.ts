/** `wf cache stats`: how many entries, how big, how many damaged or expired, oldest and newest. */
import { Command } from 'commander';
import bytes from 'bytes';
import { defaultDiscoveryOptions } from '../../../discovery/index.js';
import type { Output } from '../../output.js';
import { projectCacheStore } from '../../../index.js';

export function cacheStatsCommand(io: Output): Command {
  return new Command('stats')
    .description('count the entries of the step cache and their size')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      const store = projectCacheStore(defaultDiscoveryOptions().cwd);
      const stats = await store.stats();
      if (flags.json) {
        io.out(JSON.stringify({ location: store.location, ...stats }, null, 2));
        return;
      }
      const lines = [`${store.location}`, `  entries: ${stats.entries}`, `  size:    ${bytes(stats.bytes, { unitSeparator: ' ' })}`];
      if (stats.expired) lines.push(`  expired: ${stats.expired} (removed by \`wf cache prune\`)`);
      if (stats.corrupt) lines.push(`  damaged: ${stats.corrupt} (ignored; removed by \`wf cache prune\`)`);
      if (stats.oldest) lines.push(`  oldest:  ${stats.oldest}`, `  newest:  ${stats.newest}`);
      io.out(lines.join('\n'));
    });
}
