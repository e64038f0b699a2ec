import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { describeCall, flattenToolTraffic } from '../../../../src/dispatch/api/loop.js';
import { ProviderConfigError } from '../../../../src/dispatch/api/errors.js';
import { createLanguageModel, effortSettings, isOpenAIReasoningModel } from '../../../../src/dispatch/api/models.js';

describe('describeCall', () => {
  it('shows the tool and its most telling argument', () => {
    expect(describeCall({ name: 'read_file', input: { path: 'src/a.ts', offset: 10 } })).toBe('read_file src/a.ts');
    expect(describeCall({ name: 'web_fetch', input: { url: 'https://example.com/x' } })).toBe('web_fetch https://example.com/x');
    expect(describeCall({ name: 'grep', input: { pattern: 'foo', path: '' } })).toBe('grep "foo"');
    expect(describeCall({ name: 'web_search', input: { query: 'node 20 fetch' } })).toBe('web_search "node 20 fetch"');
    expect(describeCall({ name: 'list_dir', input: {} })).toBe('list_dir');
    expect(describeCall({ name: 'x', input: '{bad' })).toBe('x');
  });
});

describe('flattenToolTraffic', () => {
  it('writes tool calls and results out as text and keeps everything else', () => {
    const messages: ModelMessage[] = [
      { role: 'user', content: 'Task.' },
      { role: 'assistant', content: [{ type: 'text', text: 'Looking.' }, { type: 'tool-call', toolCallId: 'c1', toolName: 'read_file', input: { path: 'a' } }] },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'c1', toolName: 'read_file', output: { type: 'text', value: 'A' } },
          { type: 'tool-result', toolCallId: 'c2', toolName: 'grep', output: { type: 'error-text', value: 'bad pattern' } },
        ],
      },
      { role: 'user', content: 'Budget spent.' },
    ];
    expect(flattenToolTraffic(messages)).toEqual([
      { role: 'user', content: 'Task.' },
      { role: 'assistant', content: 'Looking.\n[called read_file {"path":"a"}]' },
      { role: 'user', content: '[result of read_file]\nA\n\n[error from grep]\nbad pattern' },
      { role: 'user', content: 'Budget spent.' },
    ]);
  });
});

describe('models', () => {
  it('recognises OpenAI reasoning models', () => {
    for (const id of ['o1', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini']) expect(isOpenAIReasoningModel(id)).toBe(true);
    for (const id of ['gpt-4.1', 'gpt-4o', 'omni-x', 'claude-sonnet-4-5']) expect(isOpenAIReasoningModel(id)).toBe(false);
  });

  it('maps effort only for OpenAI reasoning models', () => {
    const openai = { provider: 'openai', kind: 'openai' as const, concurrency: 4 };
    expect(effortSettings(openai, 'o3', 'medium')).toEqual({ providerOptions: { openai: { reasoningEffort: 'medium' } }, params: { reasoningEffort: 'medium' } });
    expect(effortSettings(openai, 'o3', 'max').params).toEqual({ reasoningEffort: 'high' });
    expect(effortSettings(openai, 'o3', undefined)).toEqual({ params: {} });
    expect(effortSettings({ ...openai, provider: 'anthropic', kind: 'anthropic' }, 'claude-opus-4-1', 'high')).toEqual({ params: {} });
  });

  it('refuses an OpenAI-compatible endpoint without a base URL', () => {
    expect(() => createLanguageModel({ provider: 'local', kind: 'openai-compatible', concurrency: 1 }, 'm')).toThrow(ProviderConfigError);
  });

  it('builds the Chat Completions model for kind openai', () => {
    const model = createLanguageModel({ provider: 'openai', kind: 'openai', apiKey: 'k', concurrency: 1 }, 'gpt-4.1') as { provider: string; modelId: string };
    expect(model.provider).toBe('openai.chat');
    expect(model.modelId).toBe('gpt-4.1');
  });
});
