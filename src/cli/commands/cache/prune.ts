/** `wf cache prune [--older-than <duration>] [--max-size <size>]`: keep the cache small. */
import { Command, InvalidArgumentError } from 'commander';
import bytes from 'bytes';
import { pruneCache } from '../../../cache/prune.js';
import { defaultDiscoveryOptions } from '../../../discovery/index.js';
import { parseDuration } from '../../../engine/duration.js';
import type { Output } from '../../output.js';
import { projectCacheStore } from '../../../index.js';

const duration = (value: string) => {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.ms;
};

const size = (value: string) => {
  const parsed = bytes.parse(value);
  if (parsed === null || !Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError(`expected a size such as 500MB or 5GB, got "${value}"`);
  return parsed;
};

export function cachePruneCommand(io: Output): Command {
  return new Command('prune')
    .description('remove damaged and expired entries, then entries older than a limit, then the oldest until the cache fits a size')
    .option('--older-than <duration>', 'remove entries created longer ago than this, e.g. 30d', duration)
    .option('--max-size <size>', 'then remove the oldest entries until the cache takes at most this, e.g. 5GB', size)
    .action(async (flags: { olderThan?: number; maxSize?: number }) => {
      const store = projectCacheStore(defaultDiscoveryOptions().cwd);
      const result = await pruneCache(store, {
        ...(flags.olderThan === undefined ? {} : { olderThanMs: flags.olderThan }),
        ...(flags.maxSize === undefined ? {} : { maxBytes: flags.maxSize }),
      });
      io.out(`removed ${result.removed} entr${result.removed === 1 ? 'y' : 'ies'} (${bytes(result.freedBytes)}); ${result.kept} kept`);
    });
}
