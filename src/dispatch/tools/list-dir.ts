/**
 * `list_dir`: what is in a directory, a few levels deep, with each entry's type and size. Symbolic
 * links are listed as links and never descended into, so the walk cannot leave the root through
 * one; the default ignore list keeps dependency and build trees from eating the entry budget.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import bytes from 'bytes';
import { isIgnoredName } from './ignore.js';
import { optionalInteger, optionalString } from './input.js';
import { displayPath, fsError, resolveReadable, statGuarded } from './path-guard.js';
import { capText } from './truncate.js';
import { ToolError, type AgentTool, type ToolContext } from './tool.js';

export const LIST_DIR_MAX_ENTRIES = 500;
const MAX_OUTPUT_BYTES = 256 * 1024;

export const listDirTool: AgentTool = {
  name: 'list_dir',
  description:
    'List a directory inside the project: one entry per line with its type (dir, file, symlink) and size. ' +
    'depth 1 lists the directory itself, 2 and 3 also its subdirectories. Skips .git, node_modules, dist, build and similar; ' +
    `shows at most ${LIST_DIR_MAX_ENTRIES} entries. Paths are relative to the project root.`,
  inputSchema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'Directory relative to the project root. Default ".".' },
      depth: { type: 'integer', minimum: 1, maximum: 3, description: 'Levels to list (1 to 3). Default 1.' },
    },
    additionalProperties: false,
  },
  readsWorkspace: true,
  version: 1,
  async execute(input: Record<string, unknown>, context: ToolContext): Promise<string> {
    const path = optionalString(input, 'path', '.', { maxLength: 4096 });
    const depth = optionalInteger(input, 'depth', { min: 1, max: 3, fallback: 1 });
    const dir = await resolveReadable(context.root, path);
    const info = await statGuarded(dir, path);
    if (!info.isDirectory()) throw new ToolError(`${JSON.stringify(path)} is not a directory; use read_file`);

    const lines: string[] = [];
    const skipped: string[] = [];
    let hidden = 0;
    const walk = async (abs: string, level: number, indent: string): Promise<void> => {
      context.signal.throwIfAborted();
      let entries: Dirent[];
      try {
        entries = await readdir(abs, { withFileTypes: true });
      } catch (error) {
        if (abs === dir.abs) throw fsError(error, path);
        lines.push(`${indent}[unreadable: ${(error as NodeJS.ErrnoException).code ?? 'error'}]`);
        return;
      }
      // Directories first, then by name: a stable order the model can page through mentally.
      entries.sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const child = join(abs, entry.name);
        const shown = displayPath(context.root, child);
        if (entry.isDirectory() && isIgnoredName(entry.name)) {
          skipped.push(shown);
          continue;
        }
        if (lines.length >= LIST_DIR_MAX_ENTRIES) {
          // Past the cap only count; descend too, so the number reported is honest.
          hidden++;
          if (entry.isDirectory() && level < depth) await countOnly(child, level + 1);
          continue;
        }
        if (entry.isSymbolicLink()) lines.push(`${indent}symlink  ${shown}`);
        else if (entry.isDirectory()) {
          lines.push(`${indent}dir      ${shown}/`);
          if (level < depth) await walk(child, level + 1, `${indent}  `);
        } else if (entry.isFile()) lines.push(`${indent}file     ${shown}  (${await sizeOf(child)})`);
        else lines.push(`${indent}other    ${shown}`);
      }
    };
    const countOnly = async (abs: string, level: number): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(abs, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (entry.isDirectory() && isIgnoredName(entry.name)) continue;
        hidden++;
        if (entry.isDirectory() && level < depth) await countOnly(join(abs, entry.name), level + 1);
      }
    };
    await walk(dir.abs, 1, '');

    const out = [`Directory ${dir.display} (depth ${depth}):`];
    if (lines.length === 0) out.push('(empty)');
    out.push(...lines);
    if (hidden > 0) out.push(`[${hidden} more entries not shown]`);
    if (skipped.length > 0) {
      const names = skipped.length > 20 ? `${skipped.slice(0, 20).join(', ')} and ${skipped.length - 20} more` : skipped.join(', ');
      out.push(`[skipped by the default ignore list: ${names}; list one of them by path to see inside]`);
    }
    return capText(out.join('\n'), MAX_OUTPUT_BYTES);
  },
};

async function sizeOf(abs: string): Promise<string> {
  try {
    const size = (await lstat(abs)).size;
    return size < 1024 ? `${size} B` : (bytes(size, { decimalPlaces: 1 }) ?? `${size} B`);
  } catch {
    return '?';
  }
}
