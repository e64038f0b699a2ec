import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseModel } from '../../../src/config/choose-model.js';
import { detectProviders } from '../../../src/config/detect.js';
import { NoModelError } from '../../../src/config/errors.js';

const none = { config: {}, sources: [] };
let binDir: string;
let emptyDir: string;
let ollama: Server;
let ollamaHost: string;
/** A port nothing listens on: a closed server's. */
let deadHost: string;

beforeAll(async () => {
  binDir = mkdtempSync(join(tmpdir(), 'wf-bin-'));
  emptyDir = mkdtempSync(join(tmpdir(), 'wf-empty-'));
  for (const name of ['claude', 'codex']) {
    writeFileSync(join(binDir, name), '#!/bin/sh\necho 1.0.0\n');
    chmodSync(join(binDir, name), 0o755);
  }
  ollama = createServer((request, response) => {
    if (request.url === '/v1/models') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ object: 'list', data: [{ id: 'qwen3:8b' }, { id: 'llama3.2' }] }));
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => ollama.listen(0, '127.0.0.1', resolve));
  ollamaHost = `127.0.0.1:${(ollama.address() as AddressInfo).port}`;
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  deadHost = `127.0.0.1:${(dead.address() as AddressInfo).port}`;
  await new Promise((resolve) => dead.close(resolve));
});

afterAll(() => {
  ollama.close();
  rmSync(binDir, { recursive: true, force: true });
  rmSync(emptyDir, { recursive: true, force: true });
});

describe('choosing the run model (design decision 7)', () => {
  const configured = { config: { model: 'openai/gpt-5-nano' }, sources: [], modelFrom: { scope: 'project' as const, path: '/p/.boocode/config.json' } };
  const keys = { ANTHROPIC_API_KEY: 'k', PATH: binDir, OLLAMA_HOST: ollamaHost };

  it('--model wins over everything', async () => {
    expect(await chooseModel({ flag: 'anthropic/claude-haiku-4-5', env: { ...keys, WF_MODEL: 'openai/x' }, loaded: configured })).toEqual({ model: 'anthropic/claude-haiku-4-5', source: '--model' });
  });

  it('then WF_MODEL, then config', async () => {
    expect(await chooseModel({ env: { ...keys, WF_MODEL: 'openai/gpt-5' }, loaded: configured })).toEqual({ model: 'openai/gpt-5', source: 'WF_MODEL' });
    expect(await chooseModel({ env: keys, loaded: configured })).toEqual({ model: 'openai/gpt-5-nano', source: '/p/.boocode/config.json' });
  });

  it('aliases and bare providers are resolved once, to a concrete model', async () => {
    expect((await chooseModel({ flag: 'anthropic', env: {}, loaded: none })).model).toBe('anthropic/claude-sonnet-4-5');
    expect((await chooseModel({ flag: 'fast', env: {}, loaded: { config: { aliases: { fast: 'ollama/qwen3:8b' } }, sources: [] } })).model).toBe('ollama/qwen3:8b');
  });

  it('auto-detection: keys first, then a local Ollama, then the CLIs', async () => {
    expect((await chooseModel({ env: keys, loaded: none })).model).toBe('anthropic/claude-sonnet-4-5');
    expect((await chooseModel({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', PATH: binDir }, loaded: none })).model).toBe('openai/gpt-5-mini');
    const local = await chooseModel({ env: { PATH: binDir, OLLAMA_HOST: ollamaHost }, loaded: none });
    expect(local.model).toBe('ollama/qwen3:8b');
    expect(local.source).toContain('running at');
    expect((await chooseModel({ env: { PATH: binDir, OLLAMA_HOST: deadHost }, loaded: none })).model).toBe('claude-code/default');
  });

  it('with nothing at all, the error names every way to configure a model and --dry-run', async () => {
    const error = await chooseModel({ env: { PATH: emptyDir, OLLAMA_HOST: deadHost }, loaded: none }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoModelError);
    const hint = (error as NoModelError).hint ?? '';
    for (const way of ['--model', 'WF_MODEL', '.boocode/config.json', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'Ollama', 'claude or codex', '--dry-run']) expect(hint).toContain(way);
  });

  it('wf doctor sees every provider, never a key value', async () => {
    const statuses = await detectProviders({ env: { ANTHROPIC_API_KEY: 'sk-ant-very-secret', PATH: binDir, OLLAMA_HOST: deadHost }, config: { providers: { lmstudio: { baseURL: 'http://127.0.0.1:1234/v1', apiKeyEnv: 'LM_KEY' } } } });
    expect(statuses.map((status) => [status.provider, status.available])).toEqual([
      ['anthropic', true],
      ['openai', false],
      ['ollama', false],
      ['claude-code', true],
      ['codex', true],
      ['lmstudio', false],
    ]);
    expect(JSON.stringify(statuses)).not.toContain('sk-ant-very-secret');
  });
});
