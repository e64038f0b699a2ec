/**
 * The dispatcher a configuration describes (config/dispatcher.ts): model precedence (call >
 * agentType > run default), aliases, agent profiles' tools and system prompts, routing to the API
 * or to an agent CLI, and step-key profiles. Against the loopback fake LLM and the fake claude CLI.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfiguredDispatcher } from '../../src/config/dispatcher.js';
import type { WfConfig } from '../../src/config/schema.js';
import type { AgentEvent, AgentRequest, Dispatcher } from '../../src/dispatch/dispatcher.js';
import { installFakeAgents, type FakeAgents } from '../support/fake-agent.js';
import { startFakeLlm, text, type FakeLlm } from '../support/fake-llm.js';

let llm: FakeLlm;
let root: string;
let fake: FakeAgents;
beforeAll(async () => {
  llm = await startFakeLlm();
  root = realpathSync(mkdtempSync(join(tmpdir(), 'wf-configured-')));
  writeFileSync(join(root, 'a.txt'), 'alpha\n');
  fake = installFakeAgents(mkdtempSync(join(tmpdir(), 'wf-configured-bin-')));
});
afterAll(async () => {
  await llm.close();
  rmSync(root, { recursive: true, force: true });
});

const AGENT_TYPES: WfConfig['agentTypes'] = {
  reader: { tools: ['read_file'], system: 'You read files carefully.' },
  thinker: { model: 'openai/gpt-5', tools: [] },
};

function dispatcher(config: WfConfig = {}, env: NodeJS.ProcessEnv = {}): Dispatcher {
  return createConfiguredDispatcher({
    loaded: { config: { agentTypes: AGENT_TYPES, ...config }, sources: [] },
    env: { OPENAI_BASE_URL: llm.openaiBaseURL, OPENAI_API_KEY: 'sk-configured-test', PATH: fake.path, ...env },
    projectRoot: root,
    defaultModel: 'openai/gpt-5-mini',
  });
}

const request = (extra: Partial<AgentRequest> = {}): AgentRequest => ({ runId: 'wf_test', index: 0, prompt: 'hello', label: 'a', attempt: 1, cwd: root, ...extra });

describe('the configured dispatcher', () => {
  it("A2 model: the call's model wins; else its agentType's; else the run default", async () => {
    const d = dispatcher();
    expect((await d.profile!({ model: 'openai/gpt-5-nano', agentType: 'thinker' })).model).toBe('openai/gpt-5-nano');
    expect((await d.profile!({ model: 'openai/gpt-5-mini', modelIsDefault: true, agentType: 'thinker' })).model).toBe('openai/gpt-5');
    expect((await d.profile!({ model: 'openai/gpt-5-mini', modelIsDefault: true })).model).toBe('openai/gpt-5-mini');
    expect((await d.profile!({})).model).toBe('openai/gpt-5-mini');
  });

  it('A2 agentType: an agentType chooses the tools and the system prompt, and both are in the step key profile', async () => {
    const d = dispatcher();
    const reader = await d.profile!({ agentType: 'reader' });
    expect(reader.tools?.map((tool) => tool.name)).toEqual(['read_file']);
    expect(reader.readsWorkspace).toBe(true);
    const thinker = await d.profile!({ agentType: 'thinker' });
    expect(thinker.tools).toEqual([]);
    expect(thinker.readsWorkspace).toBe(false);
    const plain = await d.profile!({});
    expect(plain.system).not.toBe(reader.system);
    // Without a search provider, agents are not offered web_search.
    expect(plain.tools?.map((tool) => tool.name).sort()).toEqual(['glob', 'grep', 'list_dir', 'read_file', 'web_fetch']);
    const withSearch = await dispatcher({}, { SEARXNG_URL: 'http://127.0.0.1:9' }).profile!({});
    expect(withSearch.tools?.map((tool) => tool.name)).toContain('web_search');
  });

  it('config tools set the default tool list; an unknown tool name is a config error', async () => {
    expect((await dispatcher({ tools: ['grep'] }).profile!({})).tools?.map((tool) => tool.name)).toEqual(['grep']);
    expect(() => dispatcher({ tools: ['shell'] }).profile!({})).toThrow(/shell/);
  });

  it('runs an API agent with the agent profile\'s system prompt, and warns about an undefined agentType', async () => {
    const d = dispatcher();
    const before = llm.requests.length;
    llm.enqueue(text('done reading'), text('plain'));
    const reply = await d.run(request({ agentType: 'reader' }), new AbortController().signal);
    expect(reply.output).toBe('done reading');
    expect(reply.model).toBe('openai/gpt-5-mini');
    const sent = llm.requests[before]!.body;
    expect(JSON.stringify(sent.messages)).toContain('You read files carefully.');
    expect(sent.tools.map((tool: any) => tool.function.name)).toEqual(['read_file']);
    const events: AgentEvent[] = [];
    await d.run(request({ agentType: 'Explore' }), new AbortController().signal, (event) => events.push(event));
    expect(events).toContainEqual({ type: 'warning', message: expect.stringMatching(/agentType "Explore" is not defined/) });
  });

  it('A2 model: a Claude alias on a non-Claude default runs on the default with a warning', async () => {
    const events: AgentEvent[] = [];
    llm.enqueue(text('ok'));
    const reply = await dispatcher().run(request({ model: 'haiku' }), new AbortController().signal, (event) => events.push(event));
    expect(reply.model).toBe('openai/gpt-5-mini');
    expect(events).toContainEqual({ type: 'warning', message: expect.stringMatching(/"haiku" is a Claude alias/) });
  });

  it('claude-code/<model> goes to the claude CLI, its reply model written as provider/model', async () => {
    fake.scenario({
      lines: [
        { type: 'system', subtype: 'init', model: 'claude-haiku-4-5-20251001', session_id: 's' },
        { type: 'result', subtype: 'success', is_error: false, result: 'hi from claude', usage: { input_tokens: 5, output_tokens: 2 }, total_cost_usd: 0.001 },
      ],
    });
    const d = dispatcher();
    const profile = await d.profile!({ model: 'claude-code/haiku' });
    expect(profile).toMatchObject({ harness: 'claude-code@1', model: 'claude-code/haiku', readsWorkspace: true });
    const reply = await d.run(request({ model: 'claude-code/haiku' }), new AbortController().signal);
    expect(reply).toMatchObject({ output: 'hi from claude', model: 'claude-code/claude-haiku-4-5-20251001', costUsd: 0.001 });
  });

  it('an unknown provider fails when the key is computed, naming it', async () => {
    expect(() => dispatcher().profile!({ model: 'groq/llama' })).toThrow(/unknown provider "groq"/);
  });
});
