/**
 * End-to-end: background runs and the commands that watch and manage runs (`wf run --detach`,
 * `wf status`, `wf wait`, `wf result`, `wf stop`, `wf logs`, `--events`), run as a user runs them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runDir, runEvents, runRecord, runWf, tempProject, until } from '../support/wf-cli.js';

const SLOW = `export const meta = { name: 'slow', description: 'two agents that take their time', phases: [{ title: 'Work' }] };
phase('Work');
log('begin');
const answers = await parallel([1, 2].map((n) => () => agent(\`task \${n}\`, { label: \`task-\${n}\` })));
return { report: '# Done\\n' + answers.join('\\n') };
`;

const rules = (rule: Record<string, unknown>) => JSON.stringify({ rules: [{ match: 'task', reply: 'ok', ...rule }] });

function project() {
  return tempProject({
    '.boocode/workflows/slow.js': SLOW,
    'quick.json': rules({ delayMs: 300, activity: ['read_file src/a.ts', 'grep TODO'] }),
    'slow.json': rules({ delayMs: 2500 }),
    'held.json': rules({ hold: true }),
    'half.json': JSON.stringify({ rules: [{ match: 'task', hold: true }, { match: 'task 1', reply: 'ok' }] }),
  });
}

const RUN = ['run', 'slow', '--concurrency', '4'];

describe('background runs', () => {
  test('R07 wf run --detach prints the run id while its agents still run, and the run finishes unattended with one completion record', async () => {
    const dir = project();
    const launched = await runWf([...RUN, '--mock', 'slow.json', '--detach'], dir);
    expect(launched.code).toBe(0);
    const runId = launched.stdout.trim();
    expect(runId).toMatch(/^wf_[a-z0-9-]{6,}$/);
    expect(launched.stderr).toContain(`wf logs ${runId} --follow`);
    // The launcher has returned; the run is still going (its agents take 2.5 s).
    expect(runRecord(dir, runId)).toMatchObject({ runId, status: 'running' });
    expect(runEvents(dir, runId).some((event) => event.type === 'run-end')).toBe(false);
    await until(() => runEvents(dir, runId).filter((event) => event.type === 'agent-start').length === 2, 'both agents to start');
    const status = await runWf(['status', runId], dir);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`wf slow · ${runId}`);
    expect(status.stdout).toMatch(/agents 0\/2 done · 2 running/);
    expect(status.stdout).toContain('task-1');
    expect(status.stdout).toContain(`running in process ${String(runRecord(dir, runId).pid)}`);

    const waited = await runWf(['wait', runId], dir); // nobody watched it run
    expect(waited.code).toBe(0);
    expect(waited.stderr).toContain(`run ${runId} completed`);
    expect(runEvents(dir, runId).filter((event) => event.type === 'run-end')).toHaveLength(1);
    expect(runRecord(dir, runId)).toMatchObject({ status: 'completed', agentCount: 2 });
    const result = await runWf(['result', runId], dir);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ report: '# Done\nok\nok' });
    const report = await runWf(['result', runId, '--report'], dir);
    expect(report.stdout.trim()).toBe('# Done\nok\nok');
    expect(readFileSync(join(runDir(dir, runId), 'detached.log'), 'utf8')).toContain('wf: run completed');
    const ended = JSON.parse((await runWf(['status', runId, '--json'], dir)).stdout) as { state: string; counts: Record<string, number>; summary: { status: string } };
    expect(ended).toMatchObject({ state: 'completed', counts: { completed: 2, running: 0 }, summary: { status: 'completed' } });
  });

  test.skipIf(!existsSync('/proc/self/stat'))('R07 a detached run leads a session of its own, so closing the terminal that started it does not end it', async () => {
    const dir = project();
    const launched = await runWf([...RUN, '--mock', 'held.json', '--detach'], dir);
    const runId = launched.stdout.trim();
    const pid = runRecord(dir, runId).pid as number;
    const sessionOf = (id: number | 'self') => Number(readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]!.split(' ')[3]);
    expect(sessionOf(pid)).toBe(pid); // setsid: a session leader with no controlling terminal
    expect(sessionOf(pid)).not.toBe(sessionOf('self'));
    expect((await runWf(['stop', runId], dir)).code).toBe(0);
  });

  test('X1 wf stop stops a detached run as Ctrl-C would: recorded stopped, wait and result exit 130, resume finishes it', async () => {
    const dir = project();
    const runId = (await runWf([...RUN, '--mock', 'half.json', '--detach'], dir)).stdout.trim();
    await until(() => runEvents(dir, runId).some((event) => event.type === 'agent-end'), 'the first agent to end');

    const stopped = await runWf(['stop', runId], dir);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain(`run ${runId} stopped`);
    expect(runRecord(dir, runId)).toMatchObject({ status: 'stopped' });
    const types = runEvents(dir, runId).map((event) => event.type);
    expect(types).toContain('run-stopping');
    expect(types.at(-1)).toBe('run-end');

    expect((await runWf(['wait', runId], dir)).code).toBe(130);
    const result = await runWf(['result', runId], dir);
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(`wf resume ${runId}`);
    const again = await runWf(['stop', runId], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('is not running (stopped)');

    const resumed = await runWf(['resume', runId, '--mock', 'quick.json', '--concurrency', '4', '--json'], dir);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'completed', cachedCount: 1 });
  });

  test('X1 a detached run killed with kill -9 reads as interrupted: wait, result and logs --follow say so and exit 1', async () => {
    const dir = project();
    const runId = (await runWf([...RUN, '--mock', 'held.json', '--detach'], dir)).stdout.trim();
    await until(() => runEvents(dir, runId).some((event) => event.type === 'agent-start'), 'an agent to start');
    process.kill(runRecord(dir, runId).pid as number, 'SIGKILL');
    await until(() => {
      try {
        process.kill(runRecord(dir, runId).pid as number, 0);
        return false;
      } catch {
        return true;
      }
    }, 'the run process to die');

    const waited = await runWf(['wait', runId], dir);
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain('interrupted');
    expect(waited.stderr).toContain(`wf resume ${runId}`);
    expect((await runWf(['result', runId], dir)).code).toBe(1);
    const status = await runWf(['status', runId], dir);
    expect(status.stdout).toContain('interrupted');
    expect(status.stdout).toContain(`wf resume ${runId}`);
    const logs = await runWf(['logs', runId, '--follow'], dir);
    expect(logs.code).toBe(1);
    expect(logs.stdout).toContain('log: begin');
    expect(logs.stderr).toContain('interrupted');
  });

  test('wf wait --timeout gives up on a running run with exit 124; wf result on it exits 2 and says to wait', async () => {
    const dir = project();
    const runId = (await runWf([...RUN, '--mock', 'held.json', '--detach'], dir)).stdout.trim();
    const waited = await runWf(['wait', runId, '--timeout', '300ms'], dir);
    expect(waited.code).toBe(124);
    expect(waited.stderr).toContain('still running');
    const result = await runWf(['result', runId], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`wf wait ${runId}`);
    expect((await runWf(['stop', 'last'], dir)).code).toBe(0);
  });

  test('wf run --detach with a mistake exits 2 at once and starts nothing in the background', async () => {
    const dir = project();
    const badArgs = await runWf([...RUN, '--mock', 'quick.json', '--args', '{not json', '--detach'], dir);
    expect(badArgs.code).toBe(2);
    const unknown = await runWf(['run', 'no-such-workflow', '--dry-run', '--detach'], dir);
    expect(unknown.code).toBe(2);
    expect(existsSync(join(dir, '.boocode', 'runs'))).toBe(false);
  });
});

describe('following and naming runs', () => {
  test('wf logs --follow prints a running run as it goes and returns at its end; --json prints the events', async () => {
    const dir = project();
    const runId = (await runWf([...RUN, '--mock', 'slow.json', '--detach'], dir)).stdout.trim();
    const followed = await runWf(['logs', runId, '--follow'], dir);
    expect(followed.code).toBe(0);
    const lines = followed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d wf: run wf_\S+ started: slow/);
    expect(lines.some((line) => line.endsWith('log: begin'))).toBe(true);
    expect(lines.at(-1)).toMatch(/wf: run completed in .*2 agents/);
    const json = await runWf(['logs', runId, '--json'], dir);
    const events = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; time: string });
    expect(events.map((event) => event.type)).toEqual(runEvents(dir, runId).map((event) => event.type));
    expect(events.every((event) => !Number.isNaN(Date.parse(event.time)))).toBe(true);
  });

  test('runs are named by id, a unique prefix or last; an unknown or ambiguous name exits 2 and says how to list runs', async () => {
    const dir = project();
    const first = (await runWf([...RUN, '--mock', 'quick.json', '--json'], dir)).stdout;
    const firstId = (JSON.parse(first) as { runId: string }).runId;
    const second = (JSON.parse((await runWf([...RUN, '--mock', 'quick.json', '--json'], dir)).stdout) as { runId: string }).runId;
    expect((await runWf(['result', 'last', '--json'], dir)).stdout).toContain(second);
    expect((await runWf(['result', firstId.slice(0, 20), '--json'], dir)).stdout).toContain(firstId);
    const unknown = await runWf(['result', 'wf_zzzzzzzz'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('wf runs');
    const ambiguous = await runWf(['result', 'wf_'], dir);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('matches 2 runs');
  });
});

describe('the event stream', () => {
  test('R1 --events <file> writes every run event as a JSON line with its time, the same stream the run directory keeps', async () => {
    const dir = project();
    const run = await runWf([...RUN, '--mock', 'quick.json', '--events', 'events.out', '--json'], dir);
    expect(run.code).toBe(0);
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    const written = readFileSync(join(dir, 'events.out'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; time: string; index?: number });
    const types = written.map((event) => event.type);
    expect(types[0]).toBe('run-start');
    expect(types.at(-1)).toBe('run-end');
    for (const type of ['phase-start', 'log-write', 'agent-queue', 'agent-start', 'agent-activity', 'agent-usage', 'agent-end', 'budget-update']) expect(types).toContain(type);
    // Per agent: queued, started, its activity and usage, then ended.
    const ofFirst = written.filter((event) => event.index === 0).map((event) => event.type);
    expect(ofFirst[0]).toBe('agent-queue');
    expect(ofFirst[1]).toBe('agent-start');
    expect(ofFirst.at(-1)).toBe('agent-end');
    expect(ofFirst).toContain('agent-activity');
    expect(written.every((event) => !Number.isNaN(Date.parse(event.time)))).toBe(true);
    expect(runEvents(dir, runId).map((event) => event.type)).toEqual(types);

    // A re-run is answered from the cache: each agent is queued, then ends cached.
    const again = await runWf([...RUN, '--mock', 'quick.json', '--events', 'again.out'], dir);
    expect(again.code).toBe(0);
    const cached = readFileSync(join(dir, 'again.out'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; cached?: { via: string; runId: string } });
    const ends = cached.filter((event) => event.type === 'agent-end');
    expect(ends).toHaveLength(2);
    expect(ends.every((event) => event.cached?.via === 'cache' && event.cached.runId === runId)).toBe(true);
    expect(cached.some((event) => event.type === 'agent-start')).toBe(false);
  });

  test('--events - makes stdout the event stream and nothing else; the result is in run-end', async () => {
    const dir = project();
    const run = await runWf([...RUN, '--mock', 'quick.json', '--events', '-'], dir);
    expect(run.code).toBe(0);
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; summary?: { result: unknown } });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', summary: { status: 'completed', result: { report: '# Done\nok\nok' } } });
    const conflict = await runWf([...RUN, '--mock', 'quick.json', '--events', '-', '--detach'], dir);
    expect(conflict.code).toBe(2);
  });
});

