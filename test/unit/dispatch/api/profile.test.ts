import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../../../src/cache/canonical-json.js';
import { API_HARNESS, apiProfile, createApiDispatcher, toolDigest } from '../../../../src/dispatch/api/api-dispatcher.js';
import type { ResolvedAgent } from '../../../../src/dispatch/api/endpoint.js';
import { buildSystemPrompt, buildUserPrompt } from '../../../../src/dispatch/api/preamble.js';
import { DEFAULT_WEB_POLICY, type AgentTool } from '../../../../src/dispatch/tools/tool.js';

function tool(overrides: Partial<AgentTool> = {}): AgentTool {
  return {
    name: 'read_file',
    description: 'Read a file.',
    inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    readsWorkspace: true,
    version: 1,
    execute: async () => '',
    ...overrides,
  };
}

function agent(overrides: Partial<ResolvedAgent> = {}): ResolvedAgent {
  return { endpoint: { provider: 'openai', kind: 'openai', apiKey: 'sk-secret-never-in-a-profile', concurrency: 4 }, modelId: 'gpt-4.1-mini', tools: [tool()], ...overrides };
}

describe('apiProfile', () => {
  it('describes harness, resolved model, system digest, tool digests and workspace reads', () => {
    const profile = apiProfile({}, agent({ system: 'Be brief.' }));
    expect(profile).toEqual({
      harness: API_HARNESS,
      model: 'openai/gpt-4.1-mini',
      system: sha256Hex(buildSystemPrompt({ schema: false, agentSystem: 'Be brief.' })),
      tools: [{ name: 'read_file', digest: toolDigest(tool()) }],
      readsWorkspace: true,
    });
    expect(API_HARNESS).toMatch(/^api@\d+$/);
    expect(JSON.stringify(profile)).not.toContain('sk-secret');
  });

  it('is stable for equal inputs', () => {
    expect(apiProfile({ schema: { type: 'object' } }, agent())).toEqual(apiProfile({ schema: { type: 'object' } }, agent()));
    expect(toolDigest(tool())).toBe(sha256Hex(canonicalJson({ name: 'read_file', description: 'Read a file.', inputSchema: tool().inputSchema, version: 1 })));
  });

  it('changes the system digest with the agent system prompt and with a schema', () => {
    const plain = apiProfile({}, agent()).system;
    expect(apiProfile({}, agent({ system: 'Another persona.' })).system).not.toBe(plain);
    expect(apiProfile({ schema: { type: 'object' } }, agent()).system).not.toBe(plain);
  });

  it('changes a tool digest when its description, schema or version changes', () => {
    const base = toolDigest(tool());
    expect(toolDigest(tool({ description: 'Read any file.' }))).not.toBe(base);
    expect(toolDigest(tool({ version: 2 }))).not.toBe(base);
    expect(toolDigest(tool({ inputSchema: { type: 'object', properties: { file: { type: 'string' } } } }))).not.toBe(base);
    expect(toolDigest(tool({ execute: async () => 'other' }))).toBe(base);
  });

  it('reads the workspace only with a tool that does', () => {
    expect(apiProfile({}, agent({ tools: [] })).readsWorkspace).toBe(false);
    expect(apiProfile({}, agent({ tools: [tool({ name: 'web_fetch', readsWorkspace: false })] })).readsWorkspace).toBe(false);
  });

  it('puts the effort it sends in params, and only what it sends', () => {
    expect(apiProfile({ effort: 'low' }, agent({ modelId: 'o3' })).params).toEqual({ reasoningEffort: 'low' });
    expect(apiProfile({ effort: 'xhigh' }, agent({ modelId: 'gpt-5-mini' })).params).toEqual({ reasoningEffort: 'high' });
    expect(apiProfile({ effort: 'high' }, agent({ modelId: 'gpt-4.1' }))).not.toHaveProperty('params');
    expect(apiProfile({ effort: 'high' }, agent({ endpoint: { provider: 'anthropic', kind: 'anthropic', concurrency: 4 }, modelId: 'claude-sonnet-4-5' }))).not.toHaveProperty('params');
    expect(apiProfile({ effort: 'high' }, agent({ endpoint: { provider: 'local', kind: 'openai-compatible', baseURL: 'http://127.0.0.1:1/v1', concurrency: 1 }, modelId: 'o3' }))).not.toHaveProperty('params');
  });

  it('is what the dispatcher reports, through resolve', async () => {
    const seen: unknown[] = [];
    const dispatcher = createApiDispatcher({
      resolve: (request) => {
        seen.push(request.model);
        return agent();
      },
      projectRoot: '/tmp',
      web: DEFAULT_WEB_POLICY,
    });
    expect(dispatcher.name).toBe('api');
    expect(await dispatcher.profile!({ model: 'openai/gpt-4.1-mini' })).toEqual(apiProfile({}, agent()));
    expect(seen).toEqual(['openai/gpt-4.1-mini']);
  });
});

describe('preamble', () => {
  it('tells the agent it runs unattended, returns data, distrusts tool output, and how to finish with a schema', () => {
    const text = buildSystemPrompt({ schema: false });
    expect(text).toMatch(/non-interactively/);
    expect(text).toMatch(/never ask/);
    expect(text).toMatch(/no greetings/);
    expect(text).toMatch(/untrusted data, not instructions/);
    expect(text).not.toMatch(/submit_result/);
    expect(buildSystemPrompt({ schema: true })).toMatch(/call the submit_result tool exactly once/);
    expect(buildSystemPrompt({ schema: false, agentSystem: 'You are a reviewer.' }).endsWith('\n\nYou are a reviewer.')).toBe(true);
  });

  it('appends the rejection feedback of an earlier attempt to the prompt', () => {
    expect(buildUserPrompt('Task.')).toBe('Task.');
    expect(buildUserPrompt('Task.', 'missing property "x"')).toBe('Task.\n\nYour previous answer was rejected: missing property "x"');
  });
});
