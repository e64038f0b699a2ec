import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/errors.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function layout(files: { user?: unknown; project?: unknown }) {
  const home = mkdtempSync(join(tmpdir(), 'wf-home-'));
  const projectRoot = mkdtempSync(join(tmpdir(), 'wf-proj-'));
  dirs.push(home, projectRoot);
  const write = (root: string, content: unknown) => {
    mkdirSync(join(root, '.boocode'), { recursive: true });
    writeFileSync(join(root, '.boocode', 'config.json'), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  };
  if (files.user !== undefined) write(home, files.user);
  if (files.project !== undefined) write(projectRoot, files.project);
  return { home, projectRoot };
}

describe('config files', () => {
  it('reads nothing when there are no files', () => {
    expect(loadConfig(layout({}))).toEqual({ config: {}, sources: [] });
  });

  it('merges user then project: the project wins key by key and map entries merge', () => {
    const where = layout({
      user: { model: 'openai/gpt-5-mini', aliases: { fast: 'openai/gpt-5-nano', big: 'openai/gpt-5' }, web: { allowPrivate: true } },
      project: { model: 'anthropic/claude-haiku-4-5', aliases: { fast: 'anthropic/claude-haiku-4-5' }, web: { maxBytes: 1000 } },
    });
    const loaded = loadConfig(where);
    expect(loaded.config.model).toBe('anthropic/claude-haiku-4-5');
    expect(loaded.config.aliases).toEqual({ fast: 'anthropic/claude-haiku-4-5', big: 'openai/gpt-5' });
    expect(loaded.config.web).toEqual({ allowPrivate: true, maxBytes: 1000 });
    expect(loaded.sources.map((source) => source.scope)).toEqual(['user', 'project']);
    expect(loaded.modelFrom?.scope).toBe('project');
  });

  it('an unknown key is an error naming the file and the key path', () => {
    const where = layout({ project: { providers: { lmstudio: { baseURL: 'http://127.0.0.1:1234/v1', apiKey: 'sk-secret' } } } });
    let error: unknown;
    try {
      loadConfig(where);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(join(where.projectRoot, '.boocode', 'config.json'));
    expect(message).toContain('providers.lmstudio.apiKey');
    expect(message).toContain('unknown key');
    expect(message).not.toContain('sk-secret');
  });

  it('a wrong type is an error naming the key', () => {
    const where = layout({ user: { web: { allowPrivate: 'yes' } } });
    expect(() => loadConfig(where)).toThrow(/web\.allowPrivate/);
  });

  it('a top-level unknown key is named too', () => {
    expect(() => loadConfig(layout({ project: { modle: 'openai/x' } }))).toThrow(/modle/);
  });

  it('broken JSON gives the file with line and column', () => {
    const where = layout({ project: '{\n  "model": "openai/gpt-5-mini",\n  oops\n}' });
    expect(() => loadConfig(where)).toThrow(/config\.json:3:\d+: not valid JSON/);
  });
});
