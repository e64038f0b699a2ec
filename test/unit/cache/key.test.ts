/**
 * C1 and matrix J03: what is in a step key and what is not, computed through the same path a run
 * uses (StepReuse.prepare with the mock dispatcher's profile).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stepKey, type StepSpec } from '../../../src/cache/key.js';
import { parseAgentOptions } from '../../../src/engine/agent-options.js';
import { StepReuse, type StepCall } from '../../../src/engine/step-reuse.js';
import type { Dispatcher } from '../../../src/dispatch/dispatcher.js';
import { ScriptedDispatcher } from '../../../src/testing/scripted-dispatcher.js';

const root = mkdtempSync(join(tmpdir(), 'wf-key-'));

/** The key of one call made as the first call of a fresh run. */
async function keyOf(prompt: string, rawOptions: unknown = null, extra: Partial<StepCall> = {}, dispatcher: Dispatcher = new ScriptedDispatcher()): Promise<string> {
  const { options } = parseAgentOptions(rawOptions);
  const reuse = new StepReuse(dispatcher, root);
  return (await reuse.prepare({ index: 0, label: 'l', phase: null, prompt, options, ...(options.model ? { model: options.model } : {}), ...extra })).key;
}

const schema = { type: 'object', properties: { a: { type: 'string' }, b: { enum: ['x', 'y'] } }, required: ['a', 'b'] };
const reordered = { required: ['a', 'b'], properties: { b: { enum: ['x', 'y'] }, a: { type: 'string' } }, type: 'object' };

describe('C1 step keys', () => {
  test('C1 J03 a key is s1: + SHA-256 hex', async () => {
    expect(await keyOf('p')).toMatch(/^s1:[0-9a-f]{64}$/);
  });

  test('C1 J03 identical under object key reordering, including a nested schema', async () => {
    expect(await keyOf('p', { schema })).toBe(await keyOf('p', { schema: reordered }));
  });

  test('C1 J03 {model: undefined}, {} and no options give the same key', async () => {
    const none = await keyOf('p');
    expect(await keyOf('p', {})).toBe(none);
    expect(await keyOf('p', JSON.parse(JSON.stringify({ model: undefined })))).toBe(none);
    expect(await keyOf('p', { model: undefined })).toBe(none);
  });

  test('C1 J03 differs when prompt, schema, model, effort, isolation or agentType differ', async () => {
    const base = await keyOf('p', { schema });
    const variants = await Promise.all([
      keyOf('p ', { schema }),
      keyOf('p', { schema: { ...schema, required: ['a'] } }),
      keyOf('p', { schema, model: 'openai/gpt-5' }),
      keyOf('p', { schema, effort: 'high' }),
      keyOf('p', { schema, isolation: 'worktree' }),
      keyOf('p', { schema, agentType: 'reviewer' }),
      keyOf('p', { schema, max_tool_calls: 3 }),
      keyOf('p', { schema, cache: { key: 'v2' } }),
    ]);
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  test('C1 J03 array order inside a schema matters', async () => {
    const swapped = { ...schema, properties: { ...schema.properties, b: { enum: ['y', 'x'] } } };
    expect(await keyOf('p', { schema: swapped })).not.toBe(await keyOf('p', { schema }));
  });

  test('C1 J08 label, phase, timeout and the cache ttl are not in the key', async () => {
    const base = await keyOf('p');
    expect(await keyOf('p', { label: 'renamed', phase: 'Elsewhere', timeout: '5m', cache: { ttl: '7d' } }, { label: 'renamed', phase: 'Elsewhere' })).toBe(base);
  });

  test('C1 the resolved model is in the key, not the literal option (a run default counts)', async () => {
    expect(await keyOf('p', null, { model: 'prov/m1' })).toBe(await keyOf('p', { model: 'prov/m1' }));
    expect(await keyOf('p', null, { model: 'prov/m1' })).not.toBe(await keyOf('p', null, { model: 'prov/m2' }));
    const pinned = new ScriptedDispatcher({ model: 'prov/m1' });
    expect(await keyOf('p', null, {}, pinned)).toBe(await keyOf('p', { model: 'prov/m1' }));
  });

  test('C1 the harness is in the key: another runner or runner version never shares entries', async () => {
    const other: Dispatcher = { ...new ScriptedDispatcher(), name: 'other', run: async () => ({ output: '', usage: { input: 0, output: 0, reasoning: 0 } }), profile: () => ({ harness: 'mock@2', model: 'mock', readsWorkspace: false }) };
    expect(await keyOf('p', null, {}, other)).not.toBe(await keyOf('p'));
  });

  test('C1 occurrence counting: N identical calls in a run get N distinct keys, in call order', async () => {
    const reuse = new StepReuse(new ScriptedDispatcher(), root);
    const call = (index: number): StepCall => ({ index, label: 'same', phase: null, prompt: 'same prompt', options: {} });
    const keys = await Promise.all([0, 1, 2, 3, 4].map((index) => reuse.prepare(call(index))));
    expect(keys.map((step) => step.spec.sample)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(keys.map((step) => step.key)).size).toBe(5);
    // A fresh run numbers them the same way, so each maps to its own entry again (J18).
    const again = new StepReuse(new ScriptedDispatcher(), root);
    expect((await again.prepare(call(0))).key).toBe(keys[0]!.key);
    expect((await again.prepare(call(1))).key).toBe(keys[1]!.key);
  });

  test('C1 a spec value JSON cannot represent is refused with its path, never hashed loosely', () => {
    const spec = { v: 1, kind: 'agent', ns: '', prompt: 'p', harness: 'h', model: { id: 'm', params: { temperature: Number.NaN } }, sample: 0 } as StepSpec;
    expect(() => stepKey(spec)).toThrow(/NaN at \$\.model\.params\.temperature/);
  });

  test('C1 the key is fixed by its spec: a known spec hashes to a known key (changing the scheme must bump KEY_SPEC_VERSION)', () => {
    const spec: StepSpec = { v: 1, kind: 'agent', ns: '', prompt: 'hello', harness: 'mock@1', model: { id: 'mock' }, sample: 0 };
    // sha256("wf-step\0" + '{"harness":"mock@1","kind":"agent","model":{"id":"mock"},"ns":"","prompt":"hello","sample":0,"v":1}')
    expect(stepKey(spec)).toBe(`s1:${sha256('wf-step\u0000{"harness":"mock@1","kind":"agent","model":{"id":"mock"},"ns":"","prompt":"hello","sample":0,"v":1}')}`);
  });
});

import { createHash } from 'node:crypto';
function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
