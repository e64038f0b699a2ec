/** `wf cache show <key>`: one entry in full: its spec (what the key hashes), value, usage, producer. */
import { Command } from 'commander';
import { defaultDiscoveryOptions } from '../../../discovery/index.js';
import { WfUsageError } from '../../../errors.js';
import type { Output } from '../../output.js';
import { projectCacheStore } from '../../../index.js';
import { entryByKey } from './entries.js';

export function cacheShowCommand(io: Output): Command {
  return new Command('show')
    .description('print one cache entry: the spec its key hashes, its value, usage and producing run')
    .argument('<key>', 'the key, or a unique prefix of it (s1: optional)')
    .action(async (key: string) => {
      const store = projectCacheStore(defaultDiscoveryOptions().cwd);
      const row = await entryByKey(store, key);
      if (!row.ok) throw new WfUsageError(`cache entry ${row.key} is damaged: ${row.problem}; \`wf cache prune\` removes it`);
      io.out(JSON.stringify(row.entry, null, 2));
    });
}
