import { mkdtempSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childEnv, resolveBinary, runAgentProcess } from '../../../../src/dispatch/cli/agent-process.js';
import { CliNotFoundError } from '../../../../src/dispatch/cli/errors.js';
import { cliVersion } from '../../../../src/dispatch/cli/index.js';
import { AgentStoppedError } from '../../../../src/dispatch/dispatcher.js';
import { installFakeAgents, processGone, waitFor, type FakeAgents } from '../../../support/fake-agent.js';

let dir: string;
let fake: FakeAgents;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wf-agent-process-'));
  fake = installFakeAgents(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (overrides: Partial<Parameters<typeof runAgentProcess>[0]> & { events?: unknown[] } = {}) => {
  const events = overrides.events ?? [];
  return runAgentProcess({
    bin: 'claude',
    args: ['-p'],
    cwd: dir,
    env: { PATH: fake.path },
    stdin: 'hello',
    signal: new AbortController().signal,
    onLine: (event) => events.push(event),
    ...overrides,
  });
};

describe('runAgentProcess', () => {
  it('passes the prompt on stdin, JSON lines to onLine (others skipped, bad JSON counted), keeps stderr', async () => {
    fake.scenario({ lines: [{ type: 'a' }, 'plain text line', '{not json', '  {"type":"b"}', { type: 'c' }], stderr: 'warning: something\n', exitCode: 3 });
    const events: unknown[] = [];
    const result = await run({ events, stdin: 'the prompt\nwith two lines' });
    expect(events).toEqual([{ type: 'a' }, { type: 'b' }, { type: 'c' }]);
    expect(result).toMatchObject({ exitCode: 3, signal: null, aborted: false, badLines: 1 });
    expect(result.stderrTail).toBe('warning: something\n');
    const [entry] = fake.readLog();
    expect(entry!.stdin).toBe('the prompt\nwith two lines');
    expect(entry!.argv).toEqual(['-p']);
    expect(entry!.cwd).toBe(dir);
  });

  it('keeps only the last 64 KB of stderr', async () => {
    fake.scenario({ stderr: `${'x'.repeat(100_000)}THE END` });
    const result = await run();
    expect(result.stderrTail.length).toBe(64 * 1024);
    expect(result.stderrTail.endsWith('THE END')).toBe(true);
  });

  it('on abort, stops the whole process group: SIGTERM, then SIGKILL after graceMs, and awaits the exit', async () => {
    fake.scenario({ lines: [{ type: 'started' }], hang: true, ignoreSigterm: true, spawnGrandchild: true });
    const controller = new AbortController();
    const events: unknown[] = [];
    const started = Date.now();
    const promise = run({ events, signal: controller.signal, graceMs: 300, onLine: (event) => {
      events.push(event);
      controller.abort();
    } });
    const result = await promise;
    const elapsed = Date.now() - started;
    expect(result.aborted).toBe(true);
    expect(result.signal).toBe('SIGKILL'); // it ignored SIGTERM
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(3000);
    const [entry] = fake.readLog();
    expect(processGone(entry!.pid)).toBe(true);
    expect(await waitFor(() => processGone(entry!.grandchildPid!))).toBe(true);
  });

  it('a process that obeys SIGTERM stops at once', async () => {
    fake.scenario({ lines: [{ type: 'started' }], hang: true });
    const controller = new AbortController();
    const started = Date.now();
    const result = await run({ signal: controller.signal, graceMs: 5000, onLine: () => controller.abort() });
    expect(result).toMatchObject({ aborted: true, signal: 'SIGTERM' });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('cleans up a grandchild the CLI left running (and holding stdout) when it exits on its own', async () => {
    fake.scenario({ lines: [{ type: 'done' }], spawnGrandchild: true });
    const result = await run({ graceMs: 5000 });
    expect(result).toMatchObject({ exitCode: 0, aborted: false });
    const [entry] = fake.readLog();
    expect(await waitFor(() => processGone(entry!.grandchildPid!))).toBe(true);
  });

  it('throws AgentStoppedError without starting when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(run({ signal: controller.signal })).rejects.toBeInstanceOf(AgentStoppedError);
    expect(fake.readLog()).toEqual([]);
  });

  it('a missing binary is a CliNotFoundError with a hint', async () => {
    const error = await run({ bin: 'claude', env: { PATH: join(dir, 'empty') } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliNotFoundError);
    expect((error as CliNotFoundError).code).toBe('WF_CLI_MISSING');
    expect((error as CliNotFoundError).message).toBe('`claude` was not found on PATH');
    expect((error as CliNotFoundError).hint).toMatch(/wf doctor/);
    const custom = await run({ bin: join(dir, 'nope', 'claude'), notFoundHint: 'install it' }).catch((caught: unknown) => caught);
    expect(custom).toBeInstanceOf(CliNotFoundError);
    expect((custom as CliNotFoundError).hint).toBe('install it');
  });

  it('an error thrown by onLine stops the process and rejects', async () => {
    fake.scenario({ lines: [{ type: 'a' }], hang: true });
    await expect(run({ graceMs: 200, onLine: () => {
      throw new Error('parser bug');
    } })).rejects.toThrow('parser bug');
  });
});

describe('resolveBinary', () => {
  it('finds executable files on PATH, resolves paths, and skips directories and non-executables', () => {
    const other = join(dir, 'other');
    mkdirSync(join(other, 'claude'), { recursive: true }); // a directory named claude
    writeFileSync(join(other, 'codex'), 'not executable');
    chmodSync(join(other, 'codex'), 0o644);
    expect(resolveBinary('claude', `${other}:${fake.binDir}`)).toBe(join(fake.binDir, 'claude'));
    expect(resolveBinary('codex', other)).toBeUndefined();
    expect(resolveBinary('claude', '')).toBeUndefined();
    expect(resolveBinary(join(fake.binDir, 'codex'), '')).toBe(join(fake.binDir, 'codex'));
    expect(resolveBinary('./bin/claude', '', dir)).toBe(join(dir, 'bin', 'claude'));
  });
});

describe('childEnv', () => {
  it('passes the allowlist and the extras, never WF_* or other keys', () => {
    const env = childEnv(
      {
        PATH: '/bin',
        HOME: '/root',
        LC_ALL: 'C.UTF-8',
        https_proxy: 'http://proxy',
        ANTHROPIC_API_KEY: 'a',
        CLAUDE_CODE_USE_BEDROCK: '1',
        OPENAI_API_KEY: 'o',
        WF_SECRET: 's',
        WF_X: 'x',
        SOME_OTHER_API_KEY: 'k',
        IS_SANDBOX: '1',
      },
      ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_*', 'WF_*'],
    );
    expect(env).toEqual({ PATH: '/bin', HOME: '/root', LC_ALL: 'C.UTF-8', https_proxy: 'http://proxy', ANTHROPIC_API_KEY: 'a', CLAUDE_CODE_USE_BEDROCK: '1' });
  });
});

describe('cliVersion', () => {
  it('returns the first line of --version, or undefined when the binary is missing', async () => {
    fake.scenario({ version: '2.1.9 (Claude Code)' });
    expect(await cliVersion(join(fake.binDir, 'claude'), { PATH: fake.path })).toBe('2.1.9 (Claude Code)');
    fake.scenario({});
    expect(await cliVersion('codex', { PATH: fake.path })).toBe('codex-cli 0.46.0');
    expect(await cliVersion(join(dir, 'missing'), { PATH: fake.path })).toBeUndefined();
  });
});

describe('runAgentProcess start failures', () => {
  it('a missing working directory is named as such, not as a missing binary', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'wf-agent-process-'));
    try {
      const fake2 = installFakeAgents(dir2);
      const error = await runAgentProcess({ bin: 'claude', args: [], cwd: join(dir2, 'gone'), env: { PATH: fake2.path }, stdin: '', signal: new AbortController().signal, onLine: () => undefined }).catch((caught: unknown) => caught);
      expect(error).not.toBeInstanceOf(CliNotFoundError);
      expect((error as Error).message).toMatch(/working directory .*gone does not exist/);
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});
