import { describe, expect, it } from 'vitest';
import { endpointFor, ollamaBaseURL, parseModelSpec, resolveModel } from '../../../src/config/models.js';
import { UnknownModelError } from '../../../src/config/errors.js';

describe('model specs and aliases', () => {
  it('splits provider/model on the first slash only', () => {
    expect(parseModelSpec('openai/gpt-5-mini')).toEqual({ provider: 'openai', model: 'gpt-5-mini' });
    expect(parseModelSpec('openrouter/anthropic/claude-sonnet-4.5')).toEqual({ provider: 'openrouter', model: 'anthropic/claude-sonnet-4.5' });
    expect(parseModelSpec('ollama/qwen3:8b')).toEqual({ provider: 'ollama', model: 'qwen3:8b' });
  });

  it('a bare provider means its default model', () => {
    expect(parseModelSpec('anthropic')).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(() => parseModelSpec('gpt-5')).toThrow(UnknownModelError);
  });

  it('no model, inherit and default mean the run default', () => {
    for (const requested of [undefined, 'inherit', 'default']) {
      expect(resolveModel(requested, {}, 'openai/gpt-5-mini').spec).toEqual({ provider: 'openai', model: 'gpt-5-mini' });
    }
  });

  it('config aliases resolve, and may point at other aliases of Claude', () => {
    const config = { aliases: { fast: 'openai/gpt-5-nano', cheap: 'haiku' } };
    expect(resolveModel('fast', config, 'anthropic/claude-sonnet-4-5').spec).toEqual({ provider: 'openai', model: 'gpt-5-nano' });
    expect(resolveModel('cheap', config, 'anthropic/claude-sonnet-4-5').spec).toEqual({ provider: 'anthropic', model: 'claude-haiku-4-5' });
  });

  it('Claude aliases follow the default provider, with a warning when it is not Claude', () => {
    expect(resolveModel('haiku', {}, 'anthropic/claude-sonnet-4-5').spec).toEqual({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    expect(resolveModel('opus', {}, 'claude-code/default').spec).toEqual({ provider: 'claude-code', model: 'opus' });
    const other = resolveModel('haiku', {}, 'openai/gpt-5-mini');
    expect(other.spec).toEqual({ provider: 'openai', model: 'gpt-5-mini' });
    expect(other.warning).toMatch(/"haiku" is a Claude alias.*openai\/gpt-5-mini/);
  });

  it('unknown providers and aliases are errors with a hint', () => {
    expect(() => resolveModel('groq/llama', {}, 'openai/x')).toThrow(/unknown provider "groq"/);
    expect(resolveModel('groq/llama', { providers: { groq: { baseURL: 'https://api.groq.com/openai/v1' } } }, 'openai/x').spec.provider).toBe('groq');
    expect(() => resolveModel('speedy', {}, 'openai/x')).toThrow(/unknown model "speedy"/);
  });
});

describe('endpoints', () => {
  it('openai reads OPENAI_API_KEY and OPENAI_BASE_URL', () => {
    const endpoint = endpointFor('openai', {}, { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(endpoint).toMatchObject({ provider: 'openai', kind: 'openai', apiKey: 'sk-test', baseURL: 'http://127.0.0.1:9/v1', concurrency: 2 });
    expect(endpointFor('openai', {}, { OPENAI_API_KEY: 'sk-test' }).concurrency).toBe(8);
  });

  it('a compatible server behind OPENAI_BASE_URL needs no key; plain openai does', () => {
    expect(endpointFor('openai', {}, { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }).apiKey).toBe('not-needed');
    expect(() => endpointFor('openai', {}, {})).toThrow(/OPENAI_API_KEY is not set/);
  });

  it('ANTHROPIC_BASE_URL works with or without /v1', () => {
    const env = { ANTHROPIC_API_KEY: 'k' };
    expect(endpointFor('anthropic', {}, { ...env, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' }).baseURL).toBe('http://127.0.0.1:9/v1');
    expect(endpointFor('anthropic', {}, { ...env, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/v1/' }).baseURL).toBe('http://127.0.0.1:9/v1');
    expect(() => endpointFor('anthropic', {}, {})).toThrow(/ANTHROPIC_API_KEY is not set/);
  });

  it('OLLAMA_HOST may be host:port or a URL', () => {
    expect(ollamaBaseURL({})).toBe('http://127.0.0.1:11434/v1');
    expect(ollamaBaseURL({ OLLAMA_HOST: '10.0.0.5:11434' })).toBe('http://10.0.0.5:11434/v1');
    expect(ollamaBaseURL({ OLLAMA_HOST: 'https://ollama.example/' })).toBe('https://ollama.example/v1');
    expect(endpointFor('ollama', {}, {})).toMatchObject({ kind: 'openai-compatible', concurrency: 2 });
  });

  it('named providers take their key from apiKeyEnv, and config overrides concurrency', () => {
    const config = { providers: { lmstudio: { baseURL: 'http://127.0.0.1:1234/v1', apiKeyEnv: 'LM_KEY', concurrency: 1 } } };
    expect(endpointFor('lmstudio', config, { LM_KEY: 'abc' })).toMatchObject({ kind: 'openai-compatible', apiKey: 'abc', concurrency: 1 });
    expect(() => endpointFor('lmstudio', config, {})).toThrow(/LM_KEY is not set/);
    expect(() => endpointFor('nope', config, {})).toThrow(/unknown provider "nope"/);
  });

  it('errors about keys never contain a key', () => {
    try {
      endpointFor('anthropic', { providers: { anthropic: { apiKeyEnv: 'MY_ANTHROPIC' } } }, { ANTHROPIC_API_KEY: 'sk-ant-secret' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('MY_ANTHROPIC is not set');
      expect((error as Error).message).not.toContain('sk-ant-secret');
    }
  });
});
