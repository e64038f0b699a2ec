/** `wf list`: every workflow you can run, nearest root first; never executes a script. */
import { Command } from 'commander';
import { defaultDiscoveryOptions, listWorkflows, type Listing } from '../../discovery/index.js';
import type { Output } from '../output.js';

export function listCommand(io: Output): Command {
  return new Command('list')
    .description('list the workflows you can run, nearest root first')
    .option('--json', 'print the listing as JSON')
    .action(async (flags: { json?: boolean }) => {
      const listing = await listWorkflows(defaultDiscoveryOptions());
      io.out(flags.json ? JSON.stringify(listingData(listing), null, 2) : renderListing(listing));
    });
}

function listingData(listing: Listing) {
  return {
    workflows: listing.entries.map((entry) => ({
      name: entry.name,
      file: entry.file,
      root: entry.root.kind,
      rootDir: entry.root.dir,
      description: entry.meta?.description ?? null,
      ...(entry.error ? { invalid: entry.error } : {}),
      ...(entry.shadowedBy ? { shadowedBy: entry.shadowedBy } : {}),
      warnings: entry.warnings,
    })),
    roots: listing.roots.map((status) => ({ dir: status.root.dir, kind: status.root.kind, status: status.status, ...(status.error ? { error: status.error } : {}) })),
  };
}

export function renderListing(listing: Listing): string {
  if (listing.entries.length === 0) return 'no workflows found (searched: ' + listing.roots.map((s) => s.root.dir).join(', ') + ')';
  const width = Math.max(...listing.entries.map((entry) => entry.name.length));
  const rootWidth = Math.max(...listing.entries.map((entry) => entry.root.kind.length));
  const lines = listing.entries.map((entry) => {
    const marker = entry.error ? `  [invalid: ${entry.error}]` : entry.shadowedBy ? `  [shadowed by ${entry.shadowedBy}]` : '';
    const description = entry.meta?.description ?? '';
    return `${entry.name.padEnd(width)}  ${entry.root.kind.padEnd(rootWidth)}  ${description}${marker}`;
  });
  for (const status of listing.roots) {
    if (status.status === 'invalid') lines.push(`warning: workflow root ${status.root.dir} is invalid: ${status.error}`);
  }
  return lines.join('\n');
}
