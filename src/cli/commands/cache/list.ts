/** `wf cache ls [selector]`: one line per entry (key, age, workflow and label, model, size). */
import { Command } from 'commander';
import bytes from 'bytes';
import { parseStepSelector } from '../../../cache/selector.js';
import { defaultDiscoveryOptions } from '../../../discovery/index.js';
import type { Output } from '../../output.js';
import { projectCacheStore } from '../../../index.js';
import { allListings, matchingEntries, shortKey } from './entries.js';

export function cacheListCommand(io: Output): Command {
  return new Command('ls')
    .description('list the entries of the step cache, oldest first')
    .argument('[selector]', 'only entries whose label matches this glob, phase:<name>, or key:<prefix>')
    .option('--json', 'print the entries as JSON (without their values)')
    .action(async (selectorText: string | undefined, flags: { json?: boolean }) => {
      const store = projectCacheStore(defaultDiscoveryOptions().cwd);
      const rows = selectorText === undefined ? await allListings(store) : (await matchingEntries(store, parseStepSelector(selectorText))).map((row) => ({ ok: true as const, ...row }));
      if (flags.json) {
        io.out(JSON.stringify(rows.map((row) => (row.ok ? { key: row.entry.key, bytes: row.bytes, createdAt: row.entry.createdAt, expiresAt: row.entry.expiresAt, model: row.entry.model, producer: row.entry.producer } : row)), null, 2));
        return;
      }
      if (rows.length === 0) {
        io.out(`no cache entries${selectorText ? ` match ${selectorText}` : ''} (${store.location})`);
        return;
      }
      for (const row of rows) {
        if (!row.ok) {
          io.out(`${shortKey(row.key)}  damaged: ${row.problem}`);
          continue;
        }
        const { entry } = row;
        const where = `${entry.producer.workflow} #${entry.producer.index} ${entry.producer.label}`;
        io.out(`${shortKey(entry.key)}  ${entry.createdAt.slice(0, 19).replace('T', ' ')}  ${where}  ${entry.model ?? ''}  ${bytes(row.bytes)}`);
      }
    });
}
