/**
 * Reads and validates the config files: `~/.boocode/config.json` (user) under
 * `.boocode/config.json` (project). The project wins key by key; the maps (`aliases`, `providers`,
 * `agentTypes`, `prices`) merge entry by entry, so a project can add one alias without repeating
 * the user's others.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './errors.js';
import { configSchema, type WfConfig } from './schema.js';

export interface ConfigSource {
  scope: 'user' | 'project';
  path: string;
}

export interface LoadedConfig {
  config: WfConfig;
  /** The files that exist and were read, user first. */
  sources: ConfigSource[];
  /** The file whose `model` is the configured default, if any. */
  modelFrom?: ConfigSource;
}

export interface ConfigLocations {
  projectRoot: string;
  /** Defaults to the OS home directory; tests pass a temp directory. */
  home?: string;
}

export function configPaths({ projectRoot, home = homedir() }: ConfigLocations): ConfigSource[] {
  return [
    { scope: 'user', path: join(home, '.boocode', 'config.json') },
    { scope: 'project', path: join(projectRoot, '.boocode', 'config.json') },
  ];
}

export function loadConfig(locations: ConfigLocations): LoadedConfig {
  const sources: ConfigSource[] = [];
  let config: WfConfig = {};
  let modelFrom: ConfigSource | undefined;
  for (const source of configPaths(locations)) {
    const file = readConfigFile(source.path);
    if (file === undefined) continue;
    sources.push(source);
    if (file.model !== undefined) modelFrom = source;
    config = mergeConfig(config, file);
  }
  return { config, sources, ...(modelFrom ? { modelFrom } : {}) };
}

/** Parses and validates one file; undefined when it does not exist. */
export function readConfigFile(path: string): WfConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`${path}: cannot read the config file: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}${jsonErrorPosition(text, error as Error)}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    const where = key.length === 0 ? '(top level)' : key.map(String).join('.');
    const what = issue.code === 'unrecognized_keys' ? `unknown key "${String(issue.keys[0])}"` : issue.message;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
    throw new ConfigError(`${path}: ${where}: ${what}${more}`, { hint: 'the keys and their types are listed in docs/models.md' });
  }
  return parsed.data;
}

const MAP_KEYS = ['aliases', 'providers', 'agentTypes', 'prices'] as const;

export function mergeConfig(base: WfConfig, over: WfConfig): WfConfig {
  const merged: WfConfig = { ...base, ...over };
  for (const key of MAP_KEYS) {
    if (base[key] || over[key]) (merged as Record<string, unknown>)[key] = { ...base[key], ...over[key] };
  }
  if (base.web || over.web) merged.web = { ...base.web, ...over.web };
  if (base.cli || over.cli) merged.cli = { ...base.cli, ...over.cli };
  return merged;
}

/** ":line:col" for V8's "at position N" JSON errors, so the user can jump to it. */
function jsonErrorPosition(text: string, error: Error): string {
  const match = /position (\d+)/.exec(error.message);
  if (!match) return '';
  const offset = Number(match[1]);
  const before = text.slice(0, offset).split('\n');
  return `:${before.length}:${before[before.length - 1]!.length + 1}`;
}
