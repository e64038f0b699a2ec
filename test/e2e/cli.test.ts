/**
 * End-to-end: the built `bin/wf.js`, run as a user runs it, in a throw-away project. Exit codes
 * follow spec R2: 0 completed, 1 failed, 2 usage or validation error, 130 stopped by SIGINT.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const BIN = resolve(__dirname, '../../bin/wf.js');
const EXAMPLES = resolve(__dirname, '../../.boocode/workflows');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function project(files: Record<string, string> = {}, withExamples = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'wf-e2e-'));
  mkdirSync(join(dir, '.boocode', 'workflows'), { recursive: true });
  mkdirSync(join(dir, 'home'));
  if (withExamples) cpSync(EXAMPLES, join(dir, '.boocode', 'workflows'), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

function wf(args: string[], cwd: string, options: { signalAfter?: { text: string; signal: NodeJS.Signals }; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: join(cwd, 'home'), OPENAI_API_KEY: 'sk-e2e-secret', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (options.signalAfter && !signalled && stderr.includes(options.signalAfter.text)) {
        signalled = true;
        child.kill(options.signalAfter.signal);
      }
    });
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

const META = (name: string) => `export const meta = { name: "${name}", description: "an e2e workflow" };\n`;

describe('CLI end to end', () => {
  test('R2 the README first run: wf run hello --dry-run completes and says no model was called', async () => {
    const dir = project({}, true);
    const result = await wf(['run', 'hello', '--dry-run'], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/no model is called/);
    expect(result.stdout.trim().length).toBeGreaterThan(0);
    expect(readdirSync(join(dir, '.boocode', 'runs'))).toHaveLength(1);
  });

  test('R2 --json prints one summary object with the documented fields', async () => {
    const dir = project({
      'flow.js': `${META('flow')}phase("Work"); const a = await agent("a", { label: "first" }); log("got", a); return { a }`,
      'rules.json': JSON.stringify({ rules: [{ match: 'a', reply: 'alpha', usage: { input: 5, output: 7, reasoning: 1 } }] }),
    });
    const result = await wf(['run', 'flow.js', '--mock', 'rules.json', '--json'], dir);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      status: 'completed',
      result: { a: 'alpha' },
      error: null,
      agentCount: 1,
      usage: { input: 5, output: 7, reasoning: 1 },
      phases: [{ title: 'Work', agents: 1, done: 1 }],
      warnings: [],
    });
    expect(summary.runId).toMatch(/^wf_[a-z0-9-]{6,}$/);
    expect(readFileSync(join(summary.runDir, 'run.json'), 'utf8')).toMatch(/"completed"/);
    expect(result.stderr).toMatch(/log: got alpha/);
    expect(result.stderr).toMatch(/#0 first completed/);
  });

  test('R2 a failed run exits 1 and names the file, line and column', async () => {
    const dir = project({ 'boom.js': `${META('boom')}await agent("x");\nthrow new Error("kaboom")` });
    const result = await wf(['run', 'boom.js', '--dry-run'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/run failed: .*boom\.js:3:7: Error: kaboom/);
    expect(result.stderr).not.toMatch(/Error: Error:/);
  });

  test('F5 F19 a syntax error exits 2 with file:line:col and dispatches nothing', async () => {
    const dir = project({ 'bad.js': `${META('bad')}await agent("x");\nconst = 3` });
    const result = await wf(['run', 'bad.js', '--dry-run'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.js:3:7/);
    expect(result.stderr).not.toMatch(/started/);
  });

  test('D07 an unknown name exits 2, suggests near matches and lists the roots searched', async () => {
    const dir = project({ '.boocode/workflows/review.js': `${META('review')}return 1` });
    const result = await wf(['run', 'revew', '--dry-run'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown workflow "revew"/);
    expect(result.stderr).toMatch(/review/);
    expect(result.stderr).toMatch(/\.boocode[\\/]workflows/);
  });

  test('D11 bad flag values and unknown flags are usage errors (exit 2)', async () => {
    const dir = project({ 'ok.js': `${META('ok')}return 1` });
    for (const args of [['--timeout', 'abc'], ['--budget', '-1'], ['--concurrency', '0'], ['--frobnicate', 'x']]) {
      const result = await wf(['run', 'ok.js', '--dry-run', ...args], dir);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.length, args.join(' ')).toBeGreaterThan(0);
    }
  });

  test('R2 with no model configured or found, the run is refused naming each way to get one, exit 2', async () => {
    const dir = project({ 'ok.js': `${META('ok')}return 1` });
    // No key, no CLI on PATH, nothing listening where Ollama would be.
    const result = await wf(['run', 'ok.js'], dir, { env: { OPENAI_API_KEY: undefined, PATH: dirname(process.execPath), OLLAMA_HOST: '127.0.0.1:9' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no model is configured/);
    for (const way of ['--model', 'WF_MODEL', 'config.json', 'ANTHROPIC_API_KEY', 'Ollama', 'claude or codex', '--dry-run']) expect(result.stderr).toContain(way);
  });

  test('a result with a markdown report: JSON on a pipe, the report with --report, both in the run directory', async () => {
    const dir = project({ 'rep.js': `${META('rep')}return { answer: 42, report: "# Answer\\n\\n- 42" }` });
    const piped = await wf(['run', 'rep.js', '--dry-run'], dir);
    expect(piped.code, piped.stderr).toBe(0);
    expect(JSON.parse(piped.stdout)).toEqual({ answer: 42, report: '# Answer\n\n- 42' });
    const shown = await wf(['run', 'rep.js', '--dry-run', '--report'], dir);
    expect(shown.stdout).toBe('# Answer\n\n- 42\n');
    const runDir = /(\/\S+\/\.boocode\/runs\/wf_[\w-]+)/.exec(shown.stderr)![1]!;
    expect(readFileSync(join(runDir, 'report.md'), 'utf8')).toBe('# Answer\n\n- 42\n');
    expect(JSON.parse(readFileSync(join(runDir, 'result.json'), 'utf8'))).toEqual({ answer: 42, report: '# Answer\n\n- 42' });
  });

  test('wf doctor lists providers in detection order and the model wf run would use, never a key', async () => {
    const dir = project();
    const found = await wf(['doctor'], dir, { env: { PATH: dirname(process.execPath), OLLAMA_HOST: '127.0.0.1:9' } });
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toMatch(/ok\s+openai\s+OPENAI_API_KEY is set/);
    expect(found.stdout).toContain('wf run would use: openai/gpt-5-mini');
    expect(found.stdout).not.toContain('sk-e2e-secret');
    const json = JSON.parse((await wf(['doctor', '--json'], dir, { env: { PATH: dirname(process.execPath), OLLAMA_HOST: '127.0.0.1:9' } })).stdout);
    expect(json.providers.map((status: { provider: string }) => status.provider)).toEqual(['anthropic', 'openai', 'ollama', 'claude-code', 'codex']);
    const nothing = await wf(['doctor'], dir, { env: { OPENAI_API_KEY: undefined, PATH: dirname(process.execPath), OLLAMA_HOST: '127.0.0.1:9' } });
    expect(nothing.code).toBe(1);
    expect(nothing.stdout).toContain('wf run would stop: no model is configured');
  });

  test('a config file with an unknown key stops the run with exit 2, naming the file and the key', async () => {
    const dir = project({ 'ok.js': `${META('ok')}return await agent("x")` });
    writeFileSync(join(dir, '.boocode', 'config.json'), JSON.stringify({ model: 'openai/gpt-5-mini', agentTypes: { r: { tool: ['read_file'] } } }));
    const result = await wf(['run', 'ok.js'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join('.boocode', 'config.json'));
    expect(result.stderr).toContain('agentTypes.r.tool');
  });

  test('AR2 args from --args, --args-file, a bare text and --key flags declared in meta.args', async () => {
    const dir = project({
      'echo.js': 'export const meta = { name: "echo", description: "d", args: { type: ["object", "string", "array"], properties: { depth: { type: "string" }, n: { type: "integer" }, deep: { type: "boolean" } } } };\nreturn args',
      'args.json': '[1, 2]',
    });
    const json = async (args: string[]) => JSON.parse((await wf(['run', 'echo.js', '--dry-run', '--json', ...args], dir)).stdout).result;
    expect(await json(['--args', '{"depth":"quick"}'])).toEqual({ depth: 'quick' });
    expect(await json(['--args-file', 'args.json'])).toEqual([1, 2]);
    expect(await json(['what is {"json"}?'])).toBe('what is {"json"}?');
    expect(await json(['--depth', 'deep', '--n', '3', '--deep'])).toEqual({ depth: 'deep', n: 3, deep: true });
    const bad = await wf(['run', 'echo.js', '--dry-run', '--args', '{not json'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--args is not valid JSON/);
  });

  test('AR2 args that do not match meta.args are refused before the run (exit 2)', async () => {
    const dir = project({ 'typed.js': 'export const meta = { name: "typed", description: "d", args: { type: "object", required: ["n"], properties: { n: { type: "integer" } } } };\nreturn args.n' });
    const result = await wf(['run', 'typed.js', '--dry-run', '--args', '{"n":"three"}'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/meta\.args/);
    expect(result.stderr).toMatch(/\/n must be integer/);
  });

  test('X1 R2 SIGINT stops the run: exit 130, run.json says stopped, completed steps stay on disk', async () => {
    const dir = project({
      'slow.js': `${META('slow')}await agent("quick");\nawait agent("slow");\nreturn 1`,
      'rules.json': JSON.stringify({ rules: [{ match: 'slow', hold: true }] }),
    });
    const result = await wf(['run', 'slow.js', '--mock', 'rules.json'], dir, { signalAfter: { text: 'slow started', signal: 'SIGINT' } });
    expect(result.code).toBe(130);
    const [runId] = readdirSync(join(dir, '.boocode', 'runs'));
    const runDir = join(dir, '.boocode', 'runs', runId!);
    expect(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).status).toBe('stopped');
    const journal = readFileSync(join(runDir, 'journal.jsonl'), 'utf8');
    expect(journal).toMatch(/"status":"completed"/);
    expect(journal).toMatch(/"status":"stopped"/);
  });

  test('S3 wf survives a runaway script: CPU limit → exit 1 with a clear error', async () => {
    const dir = project({ 'spin.js': `${META('spin')}while (true) {}` });
    const result = await wf(['run', 'spin.js', '--dry-run', '--cpu-limit', '300ms'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/CPU time/);
  });

  test('S1 the API key of the wf process never reaches the script, the journal or the output', async () => {
    const dir = project({ 'peek.js': `${META('peek')}return [typeof process, JSON.stringify(globalThis).includes("sk-e2e"), await agent("x")]` });
    const result = await wf(['run', 'peek.js', '--dry-run', '--json'], dir);
    expect(JSON.parse(result.stdout).result).toEqual(['undefined', false, 'done: x']);
    const [runId] = readdirSync(join(dir, '.boocode', 'runs'));
    const runDir = join(dir, '.boocode', 'runs', runId!);
    for (const file of ['journal.jsonl', 'run.json']) expect(readFileSync(join(runDir, file), 'utf8')).not.toMatch(/sk-e2e-secret/);
    expect(result.stdout + result.stderr).not.toMatch(/sk-e2e-secret/);
  });

  test('D08 wf list shows valid, invalid and shadowed entries; --json gives the same data', async () => {
    const dir = project({
      '.boocode/workflows/good.js': `${META('good')}return 1`,
      '.boocode/workflows/bad-meta.js': 'export const meta = { name: n, description: "d" };\nreturn 1',
      '.claude/workflows/good.js': `${META('good')}return 2`,
    });
    const text = await wf(['list'], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/good\s+project\s+an e2e workflow/);
    expect(text.stdout).toMatch(/bad-meta.*invalid/);
    expect(text.stdout).toMatch(/shadowed by/);
    const json = JSON.parse((await wf(['list', '--json'], dir)).stdout);
    const names = json.workflows.map((w: { name: string; root: string }) => `${w.name}@${w.root}`);
    expect(names).toEqual(expect.arrayContaining(['good@project', 'bad-meta@project', 'good@claude-project']));
  });

  test('F3 wf show prints meta, phases, args schema and the path', async () => {
    const dir = project({
      '.boocode/workflows/shown.js': 'export const meta = { name: "shown", description: "shows", whenToUse: "always", phases: [{ title: "Scan", detail: "look" }], args: { type: "object", properties: { q: { type: "string" } } } };\nreturn 1',
    });
    const result = await wf(['show', 'shown'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/shown: shows/);
    expect(result.stdout).toMatch(/Scan: look/);
    expect(result.stdout).toMatch(/"q"/);
    expect(result.stdout).toMatch(/shown\.js/);
  });

  test('F5 wf validate exits 0 for clean files and 2 with every problem and its location otherwise', async () => {
    const dir = project({
      'clean.js': `${META('clean')}return 1`,
      'broken.js': 'import fs from "node:fs";\nexport const meta = { name: "broken", description: "d" };\nrequire("x");\n',
    });
    const clean = await wf(['validate', 'clean.js'], dir);
    expect(clean.code).toBe(0);
    const broken = await wf(['validate', 'clean.js', 'broken.js'], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.js:1:1/);
  });

  test('wf --help and wf --version exit 0', async () => {
    const dir = project();
    expect((await wf(['--help'], dir)).code).toBe(0);
    expect((await wf(['--version'], dir)).stdout).toMatch(/\d+\.\d+\.\d+/);
  });
});
