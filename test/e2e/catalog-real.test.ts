/**
 * Every catalog workflow, run end to end by the built `wf` against the loopback fake LLM through
 * the real API dispatcher (OpenAI wire, real AI SDK client, real tool loop). Agents of a whole
 * workflow arrive in no fixed order, so the fake answers each request from its content: a schema
 * agent submits a filled-in instance of the schema it was given (one item per array, distinct
 * strings, URLs where a URL is asked for); a text agent answers in text.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeLlm, text, toolCalls, type FakeLlm, type RecordedRequest } from '../support/fake-llm.js';

const BIN = resolve(__dirname, '../../bin/wf.js');
const KEY = 'sk-catalog-e2e-0123456789';

let llm: FakeLlm;
beforeAll(async () => {
  llm = await startFakeLlm();
  llm.respond(answer);
});
afterAll(async () => {
  await llm.close();
});

let counter = 0;

/** A value of `schema` with every property present and one item per array. */
function filled(schema: any, name = 'value'): unknown {
  if (schema === undefined || schema === null || typeof schema !== 'object') return `${name} ${++counter}`;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const options = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(options)) return filled(options.find((option: any) => option.type !== 'null') ?? options[0], name);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) value[key] = filled(property, key);
      return value;
    }
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => filled(schema.items, name));
    case 'integer':
    case 'number':
      return Math.min(schema.maximum ?? Number.MAX_SAFE_INTEGER, Math.max(schema.minimum ?? 1, 1));
    case 'boolean':
      return false;
    default:
      if (schema.format === 'uri' || /url/i.test(name)) return `https://example.com/page-${++counter}`;
      return `${name} ${++counter}`;
  }
}

function answer(request: RecordedRequest) {
  const submit = (request.body?.tools ?? []).find((tool: any) => tool.function?.name === 'submit_result');
  const usage = { input: 200, output: 20 };
  if (submit) return toolCalls([{ name: 'submit_result', args: filled(submit.function.parameters) }], { usage });
  return text('A short prose answer.', { usage });
}

function wf(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: dirname(process.execPath), HOME: join(cwd, 'home'), OLLAMA_HOST: '127.0.0.1:9', OPENAI_BASE_URL: llm.openaiBaseURL, OPENAI_API_KEY: KEY },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

const CASES: Array<{ name: string; args: string[]; minAgents: number }> = [
  { name: 'deep-research', args: ['--args', JSON.stringify({ question: 'Is the fake server fast?', depth: 'quick' })], minAgents: 6 },
  { name: 'review-code', args: ['src/a.js'], minAgents: 4 },
  { name: 'multi-review', args: ['the change in src/a.js'], minAgents: 3 },
  { name: 'find-issues', args: ['--args', JSON.stringify({ scope: 'src/', maxRounds: 3, perRound: 2 })], minAgents: 4 },
  { name: 'plan-verify', args: ['add a cache to the fetcher'], minAgents: 5 },
  { name: 'bounty-hunt', args: ['src/'], minAgents: 5 },
];

describe('the catalog against the fake model server, through the real API dispatcher', () => {
  test.each(CASES)('$name completes with a report, usage and cost', async ({ name, args, minAgents }) => {
    const dir = mkdtempSync(join(tmpdir(), `wf-e2e-catalog-${name}-`));
    mkdirSync(join(dir, 'home'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.js'), 'export function add(a, b) { return a - b; }\n');
    const before = llm.requests.length;
    const result = await wf(['run', name, '--json', '--no-cache', ...args], dir);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe('completed');
    expect(summary.agentCount).toBeGreaterThanOrEqual(minAgents);
    expect(typeof summary.result.report).toBe('string');
    expect(summary.result.report).toMatch(/^# /);
    expect(summary.costUsd).toBeGreaterThan(0);
    expect(llm.requests.length - before).toBeGreaterThanOrEqual(summary.agentCount);
    expect(readFileSync(join(summary.runDir, 'report.md'), 'utf8')).toBe(summary.result.report.endsWith('\n') ? summary.result.report : `${summary.result.report}\n`);
    // No agent failed: every one of them got an answer it accepted.
    expect(result.stderr).not.toMatch(/✗/);
  });
});
