import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMockFile, parseMockFile } from '../../../src/dispatch/mock-file.js';
import { WfUsageError } from '../../../src/errors.js';
import { ScriptedDispatcher } from '../../../src/testing/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wf-mock-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** The message of the WfUsageError that parsing `data` as `mock.json` throws. */
function problem(data: unknown): string {
  try {
    parseMockFile(data, 'mock.json');
  } catch (error) {
    expect(error).toBeInstanceOf(WfUsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('loadMockFile', () => {
  it('reads every rule field and the rules drive a ScriptedDispatcher', async () => {
    const rules = [
      {},
      { match: 'list', reply: { files: ['a.ts'] } },
      { regex: '^retry', replies: ['one', 'two'] },
      { match: 'f', fail: 'api down' },
      { match: 's', stop: true },
      { match: 'h', hold: true, delayMs: 0, usage: { input: 1, output: 2, reasoning: 3, cacheRead: 4, cacheWrite: 5 }, model: 'm' },
    ];
    const path = await fileWith('good.json', JSON.stringify({ rules }));
    const loaded = await loadMockFile(path);
    expect(loaded).toEqual({ rules });
    const mock = new ScriptedDispatcher(loaded);
    const reply = await mock.run({ runId: 'r', index: 0, prompt: 'retry it', label: 'l', attempt: 1 }, new AbortController().signal);
    expect(reply.output).toBe('one');
  });

  it('an empty rules list is fine', async () => {
    expect(await loadMockFile(await fileWith('empty.json', '{"rules": []}'))).toEqual({ rules: [] });
  });

  it('names the file when it cannot be read or parsed', async () => {
    const missing = join(dir, 'missing.json');
    await expect(loadMockFile(missing)).rejects.toThrow(new RegExp(`^${missing}: cannot read the mock file`));
    const broken = await fileWith('broken.json', '{"rules": [');
    await expect(loadMockFile(broken)).rejects.toThrow(`${broken}: not valid JSON`);
    await expect(loadMockFile(broken)).rejects.toBeInstanceOf(WfUsageError);
  });

  it('rejects a file that is not { rules: [...] }', () => {
    expect(problem([])).toMatch(/^mock\.json: expected an object like/);
    expect(problem({})).toMatch(/^mock\.json: rules must be an array/);
    expect(problem({ rules: {} })).toMatch(/^mock\.json: rules must be an array/);
    expect(problem({ rules: [], extra: 1 })).toMatch(/^mock\.json: unknown key "extra"/);
    expect(problem({ rules: [{}, 'x'] })).toBe('mock.json: rules[1] must be an object');
  });

  it.each([
    [{ delayMs: -5 }, 'rules[2].delayMs must be a non-negative number'],
    [{ delayMs: '10' }, 'rules[2].delayMs must be a non-negative number'],
    [{ match: 3 }, 'rules[2].match must be a string'],
    [{ regex: '[a-' }, 'rules[2].regex is not a valid regular expression'],
    [{ regex: 1 }, 'rules[2].regex must be a string'],
    [{ replies: [] }, 'rules[2].replies must be a non-empty array'],
    [{ replies: 'x' }, 'rules[2].replies must be a non-empty array'],
    [{ fail: true }, 'rules[2].fail must be a string'],
    [{ stop: 'yes' }, 'rules[2].stop must be true or false'],
    [{ hold: 1 }, 'rules[2].hold must be true or false'],
    [{ model: 5 }, 'rules[2].model must be a string'],
    [{ activity: 'read' }, 'rules[2].activity must be an array of strings'],
    [{ usage: 5 }, 'rules[2].usage must be an object'],
    [{ usage: { input: -1 } }, 'rules[2].usage.input must be a non-negative number'],
    [{ usage: { inputs: 1 } }, 'rules[2].usage has unknown key "inputs" (did you mean "input"?)'],
    [{ dealyMs: 5 }, 'rules[2] has unknown key "dealyMs" (did you mean "delayMs"?)'],
    [{ prompt: 'x' }, 'rules[2] has unknown key "prompt" (known keys: match, regex, reply, replies, fail, stop, hold, delayMs, activity, usage, model)'],
    [{ when: 'x' }, 'rules[2] has unknown key "when"'],
    [{ reply: 'a', replies: ['b'] }, 'rules[2] sets both reply and replies'],
    [{ fail: 'x', stop: true }, 'rules[2] sets both fail and stop'],
  ])('rejects a bad field and names it: %j', (rule, message) => {
    expect(problem({ rules: [{}, { match: 'ok' }, rule] })).toContain(`mock.json: ${message}`);
  });

  it('allows stop: false and hold: false beside a reply', () => {
    expect(parseMockFile({ rules: [{ reply: 'x', stop: false, hold: false }] }, 'mock.json').rules).toHaveLength(1);
  });
});
