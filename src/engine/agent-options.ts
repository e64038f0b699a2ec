/**
 * The options of agent(prompt, options) (spec A2): their types are checked here, on the host,
 * because the host owns the rules; the isolate only checks that options is an object. Unknown
 * keys are dropped with a warning, wrong types throw (A5, matrix A12/A13).
 */
import { EFFORTS, type Effort } from '../dispatch/dispatcher.js';
import { AgentOptionsError } from './errors.js';
import { parseDuration } from './duration.js';

export interface AgentOptions {
  label?: string;
  phase?: string;
  model?: string;
  schema?: Record<string, unknown>;
  effort?: Effort;
  agentType?: string;
  isolation?: 'worktree';
  maxToolCalls?: number;
  /** Milliseconds. */
  timeoutMs?: number;
  /** `false` opts out of the step cache; the object form sets a TTL or an extra key (C1–C3). */
  cache?: false | { ttlMs?: number; key?: string };
  reads?: { files: string[] } | 'workspace';
}

export const KNOWN_OPTIONS = [
  'label',
  'phase',
  'model',
  'schema',
  'effort',
  'agentType',
  'isolation',
  'max_tool_calls',
  'timeout',
  'cache',
  'reads',
] as const;

export interface ParsedOptions {
  options: AgentOptions;
  /** Keys that were dropped because agent() does not know them. */
  unknownKeys: string[];
}

const fail = (message: string): never => {
  throw new AgentOptionsError(`agent(prompt, options): ${message}`);
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value}"` : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function expectString(key: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') fail(`${key} must be a non-empty string, got ${describe(value)}`);
  return value as string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the JSON text of the options object the script passed (null when none). */
export function parseAgentOptions(raw: unknown): ParsedOptions {
  if (raw === null || raw === undefined) return { options: {}, unknownKeys: [] };
  if (!isPlainObject(raw)) fail(`options must be an object, got ${describe(raw)}`);
  const input = raw as Record<string, unknown>;
  const options: AgentOptions = {};
  const unknownKeys: string[] = [];
  for (const key of Object.keys(input)) {
    const value = input[key];
    // `{model: undefined}` means the same as no option (matrix J03); JSON already drops undefined.
    if (value === undefined) continue;
    switch (key) {
      case 'label':
        options.label = expectString(key, value);
        break;
      case 'phase':
        options.phase = expectString(key, value);
        break;
      case 'model':
        options.model = expectString(key, value);
        break;
      case 'agentType':
        options.agentType = expectString(key, value);
        break;
      case 'schema':
        if (!isPlainObject(value)) fail(`schema must be a JSON Schema object, got ${describe(value)}`);
        options.schema = value as Record<string, unknown>;
        break;
      case 'effort':
        if (!EFFORTS.includes(value as Effort)) fail(`effort must be one of ${EFFORTS.join(', ')}, got ${describe(value)}`);
        options.effort = value as Effort;
        break;
      case 'isolation':
        if (value !== 'worktree') fail(`isolation must be "worktree", got ${describe(value)}`);
        options.isolation = 'worktree';
        break;
      case 'max_tool_calls':
        if (!Number.isInteger(value) || (value as number) < 0) fail(`max_tool_calls must be a non-negative integer, got ${describe(value)}`);
        options.maxToolCalls = value as number;
        break;
      case 'timeout': {
        const parsed = parseDuration(value);
        if (!parsed.ok) fail(`timeout: ${parsed.message}`);
        else options.timeoutMs = parsed.ms;
        break;
      }
      case 'cache':
        options.cache = parseCache(value);
        break;
      case 'reads':
        options.reads = parseReads(value);
        break;
      default:
        unknownKeys.push(key);
    }
  }
  return { options, unknownKeys };
}

function parseCache(value: unknown): AgentOptions['cache'] {
  if (value === false) return false;
  if (value === true) return undefined;
  if (!isPlainObject(value)) return fail(`cache must be false or { ttl, key }, got ${describe(value)}`);
  const cache: { ttlMs?: number; key?: string } = {};
  for (const key of Object.keys(value)) {
    if (key === 'ttl') {
      const parsed = parseDuration(value.ttl);
      if (!parsed.ok) fail(`cache.ttl: ${parsed.message}`);
      else cache.ttlMs = parsed.ms;
    } else if (key === 'key') {
      cache.key = expectString('cache.key', value.key);
    } else {
      fail(`cache accepts only ttl and key, got "${key}"`);
    }
  }
  return cache;
}

function parseReads(value: unknown): AgentOptions['reads'] {
  if (value === 'workspace') return 'workspace';
  if (isPlainObject(value) && Array.isArray(value.files) && value.files.every((f) => typeof f === 'string')) {
    return { files: value.files as string[] };
  }
  return fail(`reads must be 'workspace' or { files: [paths] }, got ${describe(value)}`);
}

/** A14: a non-empty label from the prompt's first line when the script gave none. */
export function autoLabel(prompt: string): string {
  const firstLine = prompt.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
  if (firstLine === '') return 'agent';
  return firstLine.length > 60 ? `${firstLine.slice(0, 57)}...` : firstLine;
}
