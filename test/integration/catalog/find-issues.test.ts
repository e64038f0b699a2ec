import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runScript } from '../../support/run-script.js';
import { compileWorkflow, validateWorkflowFile } from '../../../src/compile/index.js';
import { checkArgs } from '../../../src/index.js';
import type { AgentRequest } from '../../../src/dispatch/dispatcher.js';
import type { MockRule } from '../../../src/testing/mock-rule.js';

const FILE = resolve('catalog/find-issues.js');
const source = readFileSync(FILE, 'utf8');
const run = (args: unknown, rules: MockRule[] = []) => runScript(source, { fileName: 'find-issues.js', args, rules });
const phaseCounts = (summary: { phases: Array<{ title: string; agents: number }> }) =>
  Object.fromEntries(summary.phases.map((p) => [p.title, p.agents]));

interface Issue {
  title: string;
  file: string;
  line?: number;
  severity: string;
  description: string;
  evidence: string;
}
const issue = (title: string, file: string, severity = 'medium', line?: number): Issue => ({
  title,
  file,
  ...(line ? { line } : {}),
  severity,
  description: `${title} happens`,
  evidence: `see ${file}`,
});
const discover = (reply: (r: AgentRequest) => { issues: Issue[] }): MockRule => ({ when: (r) => r.phase === 'Discover', reply });

describe('find-issues', () => {
  test('find-issues: validates without errors or warnings, and meta.args takes a string or an object', async () => {
    const { diagnostics } = await validateWorkflowFile(FILE);
    expect(diagnostics).toEqual([]);
    const workflow = await compileWorkflow(source, FILE);
    expect(workflow.meta.name).toBe('find-issues');
    expect(workflow.meta.phases?.map((p) => p.title)).toEqual(['Discover', 'Triage']);
    expect(() => checkArgs(workflow.meta, 'src/parser')).not.toThrow();
    expect(() => checkArgs(workflow.meta, { scope: 'src', maxRounds: 3, perRound: 2 })).not.toThrow();
    expect(() => checkArgs(workflow.meta, { scope: 'src', maxRounds: 11 })).toThrow();
  });

  test('find-issues: rounds finding 2, 1, 0, 0 new issues stop after round 4 as quiet; triage ranks and merges', async () => {
    const byLabel: Record<string, Issue[]> = {
      'round 1: correctness': [issue('Off-by-one in loop', 'src/a.ts', 'high', 10)],
      // the same issue under a reformatted title and path is a duplicate within the round
      'round 1: edge cases': [issue('Empty input crashes', 'src/b.ts', 'critical'), issue('off by one in LOOP!', './src/a.ts')],
      'round 2: API misuse': [issue('Ignored return value', 'src/c.ts', 'low')],
      'round 2: concurrency': [issue('Off-by-one in loop', 'src/a.ts')], // already known
      'round 3: edge cases': [issue('empty input crashes', 'src/B.ts')], // already known
    };
    const { summary, logs, dispatcher } = await run('src/', [
      discover((r) => ({ issues: byLabel[r.label] ?? [] })),
      {
        when: (r) => r.phase === 'Triage',
        reply: {
          issues: [
            { id: 'I2', priority: 'p0', rationale: 'crashes on empty input' },
            { id: 'I3', priority: 'p2', rationale: 'same defect as I1', duplicateOf: 'I1' },
            { id: 'I1', priority: 'p1', rationale: 'wrong results' },
          ],
        },
      },
    ]);
    expect(summary.status).toBe('completed');
    expect(phaseCounts(summary)).toEqual({ Discover: 12, Triage: 1 });
    const result = summary.result as any;
    expect(result.scope).toBe('src/');
    expect(result.rounds).toBe(4);
    expect(result.stoppedBecause).toBe('quiet');
    expect(result.ranked).toBe(true);
    expect(result.history.map((h: any) => h.new)).toEqual([2, 1, 0, 0]);
    expect(result.history[1].lenses).toEqual(['API misuse', 'concurrency', 'correctness']);
    expect(result.issues.map((i: any) => [i.id, i.priority, i.duplicates ?? []])).toEqual([
      ['I2', 'p0', []],
      ['I1', 'p1', ['I3']],
    ]);
    expect(result.issues[1]).toMatchObject({ title: 'Off-by-one in loop', file: 'src/a.ts', line: 10, severity: 'high', round: 1, lens: 'correctness' });
    // later rounds are told what is known
    const round3 = dispatcher.calls.find((c) => c.label === 'round 3: edge cases')!;
    expect(round3.prompt).toContain('- Off-by-one in loop (src/a.ts:10)');
    expect(round3.prompt).toContain('- Ignored return value (src/c.ts)');
    const round1 = dispatcher.calls.find((c) => c.label === 'round 1: correctness')!;
    expect(round1.prompt).toContain('No issues are known yet.');
    expect(logs).toContain('round 1: dropped 1 issue(s) already found');
    expect(logs).toContain('discovery stopped after round 4: two consecutive rounds found nothing new');
    expect(logs).toContain('triage: merged 1 duplicate issue(s): I3');
    expect(result.report).toContain('stopped after round 4 because two consecutive rounds found nothing new');
    expect(result.report).toContain('## Issues (2)');
    expect(result.report).toContain('Also reported as: I3');
  });

  test('find-issues: hitting the round limit stops as "limit"; perRound and lens rotation follow the args', async () => {
    const { summary, logs, dispatcher } = await run({ scope: 'lib/', maxRounds: 3, perRound: 2 }, [
      discover((r) => ({ issues: [issue(`bug found by ${r.label}`, 'lib/x.js')] })),
    ]);
    expect(phaseCounts(summary)).toEqual({ Discover: 6, Triage: 1 });
    const result = summary.result as any;
    expect(result.rounds).toBe(3);
    expect(result.stoppedBecause).toBe('limit');
    expect(result.issues).toHaveLength(6);
    expect(dispatcher.calls.filter((c) => c.phase === 'Discover').map((c) => c.label)).toEqual([
      'round 1: correctness',
      'round 1: edge cases',
      'round 2: error handling',
      'round 2: API misuse',
      'round 3: concurrency',
      'round 3: correctness',
    ]);
    expect(logs).toContain('discovery stopped at the round limit (3 rounds)');
    expect(result.report).toContain('stopped at the round limit (3)');
  });

  test('find-issues: nothing found stops after two quiet rounds, skips triage, and the report says so', async () => {
    const { summary, logs } = await run('src/', [discover(() => ({ issues: [] }))]);
    expect(phaseCounts(summary)).toEqual({ Discover: 6, Triage: 0 });
    const result = summary.result as any;
    expect(result).toMatchObject({ rounds: 2, stoppedBecause: 'quiet', issues: [] });
    expect(logs).toContain('triage skipped: no issues were found');
    expect(result.report).toContain('No issues were found.');
  });

  test('find-issues: no scope exits early without agents', async () => {
    for (const args of [undefined, '   ', { maxRounds: 2 }]) {
      const { summary, logs } = await run(args);
      expect(summary.status).toBe('completed');
      expect(summary.agentCount).toBe(0);
      const result = summary.result as any;
      expect(result.issues).toEqual([]);
      expect(result.report).toContain('No scope was given');
      expect(logs).toContain('find-issues: no scope given; nothing to examine');
    }
  });

  test('find-issues: a failed finder is dropped and logged; a failed triage keeps the unranked list', async () => {
    const { summary, logs } = await run('src/', [
      discover((r) =>
        r.label.startsWith('round 1:')
          ? { issues: [issue(`low one from ${r.label}`, 'a.js', 'low'), issue(`critical one from ${r.label}`, 'b.js', 'critical')] }
          : { issues: [] },
      ),
      { when: (r) => r.label === 'round 1: edge cases', fail: 'model overloaded' },
      { when: (r) => r.phase === 'Triage', fail: 'model overloaded' },
    ]);
    expect(summary.status).toBe('completed');
    expect(phaseCounts(summary)).toEqual({ Discover: 9, Triage: 1 });
    const result = summary.result as any;
    expect(result.rounds).toBe(3);
    expect(result.ranked).toBe(false);
    expect(result.history[0]).toMatchObject({ reported: 4, new: 4, failedFinders: 1 });
    // unranked, ordered by severity
    expect(result.issues.map((i: any) => [i.severity, i.priority])).toEqual([
      ['critical', null], ['critical', null], ['low', null], ['low', null],
    ]);
    expect(logs).toContain('round 1: the edge cases finder failed; its findings are dropped');
    expect(logs).toContain('triage failed; keeping the unranked list');
    expect(result.report).toContain('unranked');
    expect(result.report).toContain('1 finder agent(s) failed');
  });

  test('find-issues: a round where every finder fails counts as finding nothing new', async () => {
    const { summary, logs } = await run({ scope: 'src/', perRound: 2 }, [
      { when: (r) => r.phase === 'Discover', fail: 'down' },
    ]);
    expect(phaseCounts(summary)).toEqual({ Discover: 4, Triage: 0 });
    expect(summary.result).toMatchObject({ rounds: 2, stoppedBecause: 'quiet', issues: [] });
    expect(logs).toContain('round 1: every finder failed; counting the round as finding nothing new');
    expect((summary.result as any).report).toContain('4 finder agent(s) failed');
  });

  test('find-issues: triage entries with unknown ids are ignored and unranked issues kept at the end', async () => {
    const { summary, logs } = await run({ scope: 'src/', maxRounds: 1, perRound: 1 }, [
      discover(() => ({ issues: [issue('first', 'a.js'), issue('second', 'b.js')] })),
      { when: (r) => r.phase === 'Triage', reply: { issues: [{ id: 'I9', priority: 'p0', rationale: 'x' }, { id: 'I2', priority: 'p3', rationale: 'minor' }] } },
    ]);
    const result = summary.result as any;
    expect(result.stoppedBecause).toBe('limit');
    expect(result.issues.map((i: any) => [i.id, i.priority])).toEqual([['I2', 'p3'], ['I1', null]]);
    expect(logs).toContain('triage: ignored 1 entry(ies) with an unknown or repeated id');
    expect(logs).toContain('triage: 1 issue(s) were not ranked (I1); kept at the end');
  });
});
