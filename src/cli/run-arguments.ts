/**
 * How `wf run` turns its command line into the workflow's `args` (AR2):
 *   --args '<json>'      any JSON value
 *   --args-file f.json   the same, from a file
 *   a bare trailing text (`wf run deep-research "question"`) → that string, never parsed as JSON
 *   --key value flags    → fields of an object, when meta.args declares `key` [beyond]
 * Only one source may be used (key flags may not be mixed with the others); a conflict is a
 * usage error, as is a --key flag that meta.args does not declare.
 */
import { readFile } from 'node:fs/promises';
import type { WorkflowMeta } from '../compile/compiled-workflow.js';
import { WfUsageError } from '../errors.js';

export interface ArgumentSources {
  argsJson?: string;
  argsFile?: string;
  /** Operands after the workflow name, including unknown `--key value` options. */
  rest: string[];
}

/** Splits the operands into plain words and `--key value` pairs. */
export function splitRest(rest: string[]): { words: string[]; flags: Array<[string, string | undefined]> } {
  const words: string[] = [];
  const flags: Array<[string, string | undefined]> = [];
  for (let i = 0; i < rest.length; i += 1) {
    const token = rest[i]!;
    if (token.startsWith('--') && token.length > 2) {
      const eq = token.indexOf('=');
      if (eq > 0) flags.push([token.slice(2, eq), token.slice(eq + 1)]);
      else if (i + 1 < rest.length && !rest[i + 1]!.startsWith('--')) flags.push([token.slice(2), rest[++i]]);
      else flags.push([token.slice(2), undefined]);
    } else {
      words.push(token);
    }
  }
  return { words, flags };
}

export async function resolveArgs(sources: ArgumentSources, meta: WorkflowMeta): Promise<unknown> {
  const { words, flags } = splitRest(sources.rest);
  const used = [sources.argsJson !== undefined, sources.argsFile !== undefined, words.length > 0, flags.length > 0].filter(Boolean).length;
  if (used > 1) {
    throw new WfUsageError('give the workflow its arguments one way: --args, --args-file, a trailing text, or --key value flags');
  }
  if (sources.argsJson !== undefined) return parseJson(sources.argsJson, '--args');
  if (sources.argsFile !== undefined) {
    let text: string;
    try {
      text = await readFile(sources.argsFile, 'utf8');
    } catch (error) {
      throw new WfUsageError(`--args-file: cannot read ${sources.argsFile}: ${(error as Error).message}`);
    }
    return parseJson(text, `--args-file ${sources.argsFile}`);
  }
  if (words.length > 0) return words.join(' ');
  if (flags.length > 0) return flagsToObject(flags, meta);
  return undefined;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WfUsageError(`${where} is not valid JSON: ${(error as Error).message}`, {
      hint: `quote it for the shell, e.g. --args '{"topic":"x"}'; a plain text argument needs no --args`,
    });
  }
}

function flagsToObject(flags: Array<[string, string | undefined]>, meta: WorkflowMeta): Record<string, unknown> {
  const properties = (meta.args?.properties ?? {}) as Record<string, { type?: string | string[] }>;
  const declared = Object.keys(properties);
  const result: Record<string, unknown> = {};
  for (const [key, raw] of flags) {
    if (!declared.includes(key)) {
      const known = declared.length ? `; meta.args declares: ${declared.map((name) => `--${name}`).join(', ')}` : '; this workflow declares no meta.args fields';
      throw new WfUsageError(`unknown option --${key}${known}`);
    }
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new WfUsageError(`--${key} is not a valid field name`);
    const type = properties[key]?.type;
    const types = Array.isArray(type) ? type : type ? [type] : ['string'];
    result[key] = coerce(key, raw, types);
  }
  return result;
}

function coerce(key: string, raw: string | undefined, types: string[]): unknown {
  if (types.includes('boolean') && (raw === undefined || raw === 'true' || raw === 'false')) return raw !== 'false';
  if (raw === undefined) throw new WfUsageError(`--${key} needs a value`);
  if ((types.includes('number') || types.includes('integer')) && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (types.includes('array') || types.includes('object')) {
    try {
      return JSON.parse(raw);
    } catch {
      if (types.includes('array')) return raw.split(',').map((part) => part.trim());
    }
  }
  return raw;
}
