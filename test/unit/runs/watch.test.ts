/**
 * `wf stop` signals the pid a run recorded; a damaged or hand-edited run.json must not turn that
 * into a signal to a whole process group (kill(0) is our own group, kill(-1) every process we may
 * signal).
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { runState, type RunRef } from '../../../src/runs/run-lookup.js';
import { requestStop } from '../../../src/runs/watch.js';

const run = (pid: unknown): RunRef => ({ runId: 'wf_test-000000', dir: '/nowhere', record: { status: 'running', pid: pid as number }, state: 'running' });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('X1 wf stop', () => {
  test.for([0, -1, 1.5, Number.NaN])('X1 a recorded pid of %s is never signalled and the run does not count as alive', (pid) => {
    // Nothing may really be signalled here, even if the guard breaks: kill is replaced.
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    expect(requestStop(run(pid))).toMatchObject({ kind: 'not-running' });
    expect(runState({ status: 'running', pid: pid as number })).toBe('interrupted');
    expect(kill).not.toHaveBeenCalled();
  });
});
