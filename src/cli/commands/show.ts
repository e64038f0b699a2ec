/** `wf show <name>`: a workflow's meta, phases, args schema and path, read statically. */
import { Command } from 'commander';
import { defaultDiscoveryOptions, resolveWorkflow } from '../../discovery/index.js';
import { readFile } from 'node:fs/promises';
import { readMeta } from '../../compile/meta.js';
import type { Output } from '../output.js';

export function showCommand(io: Output): Command {
  return new Command('show')
    .description("show a workflow's description, phases, arguments and file")
    .argument('<workflow>', 'a workflow name or a path')
    .option('--json', 'print as JSON')
    .action(async (target: string, flags: { json?: boolean }) => {
      const { file, entry } = await resolveWorkflow(target, defaultDiscoveryOptions());
      const { meta } = entry?.meta ? { meta: entry.meta } : readMeta(await readFile(file, 'utf8'), file);
      if (flags.json) {
        io.out(JSON.stringify({ file, root: entry?.root.kind ?? 'path', meta }, null, 2));
        return;
      }
      const lines = [`${meta.name}: ${meta.description}`, `file: ${file}${entry ? ` (${entry.root.kind})` : ''}`];
      if (meta.whenToUse) lines.push(`when to use: ${meta.whenToUse}`);
      if (meta.phases?.length) {
        lines.push('phases:');
        for (const phase of meta.phases) lines.push(`  - ${phase.title}${phase.detail ? `: ${phase.detail}` : ''}${phase.model ? ` [${phase.model}]` : ''}`);
      }
      lines.push(meta.args ? `args (JSON Schema):\n${indent(JSON.stringify(meta.args, null, 2))}` : 'args: not declared (any JSON value, or a text)');
      if (entry?.shadowedBy) lines.push(`shadowed by: ${entry.shadowedBy}`);
      io.out(lines.join('\n'));
    });
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
