import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runScript } from '../../support/run-script.js';
import { compileWorkflow, validateWorkflowFile } from '../../../src/compile/index.js';
import { checkArgs } from '../../../src/index.js';
import type { MockRule } from '../../../src/testing/mock-rule.js';

const FILE = resolve('catalog/plan-verify.js');
const source = readFileSync(FILE, 'utf8');
const run = (args: unknown, rules: MockRule[] = []) => runScript(source, { fileName: 'plan-verify.js', args, rules });
const phaseCounts = (summary: { phases: Array<{ title: string; agents: number }> }) =>
  Object.fromEntries(summary.phases.map((p) => [p.title, p.agents]));

const step = (id: string, dependsOn: string[] = []) => ({ id, title: `step ${id}`, detail: `do ${id}`, dependsOn });
const DRAFT = {
  steps: [step('S1', ['S2']), step('S2', ['S1']), step('S3', ['S9'])],
  assumptions: ['the API is stateless'],
  risks: ['cache invalidation'],
};
const REVISED = {
  steps: [step('S1'), step('S2', ['S1']), step('S3', ['S2']), step('S4', ['S3'])],
  assumptions: ['the API is stateless'],
  risks: ['cache invalidation', 'stale reads'],
};
const ITEMS = {
  items: [
    { title: 'Add the cache layer', description: 'wrap reads', acceptanceCriteria: ['reads hit the cache'], dependsOn: [] },
    { title: 'Invalidate on write', description: 'evict keys', acceptanceCriteria: ['writes evict', 'tests pass'], dependsOn: ['Add the cache layer'] },
  ],
};
const sound = { verdict: 'sound', issues: [] };
const verifier = (stance: string, reply: unknown): MockRule => ({ when: (r) => r.label === `verify: ${stance}`, reply });
const plan = (reply: unknown): MockRule => ({ when: (r) => r.label === 'plan', reply });
const items = (reply: unknown): MockRule => ({ when: (r) => r.label === 'work items', reply });

describe('plan-verify', () => {
  test('plan-verify: validates without errors or warnings, and meta.args takes a string or an object', async () => {
    const { diagnostics } = await validateWorkflowFile(FILE);
    expect(diagnostics).toEqual([]);
    const workflow = await compileWorkflow(source, FILE);
    expect(workflow.meta.phases?.map((p) => p.title)).toEqual(['Plan', 'Verify', 'Revise', 'Work items']);
    expect(() => checkArgs(workflow.meta, 'add caching')).not.toThrow();
    expect(() => checkArgs(workflow.meta, { goal: 'add caching', context: 'Node 20' })).not.toThrow();
  });

  test('plan-verify: plan, three verifiers, a revision when one asks for changes, then work items', async () => {
    const { summary, logs, dispatcher } = await run({ goal: 'add caching', context: 'reads dominate' }, [
      plan(DRAFT),
      verifier('feasibility', sound),
      verifier('completeness', { verdict: 'needs-changes', issues: [{ step: 'S3', problem: 'no rollout step', fix: 'add S4: roll out behind a flag' }] }),
      verifier('risk', sound),
      { when: (r) => r.label === 'revise', reply: REVISED },
      items(ITEMS),
    ]);
    expect(summary.status).toBe('completed');
    expect(phaseCounts(summary)).toEqual({ Plan: 1, Verify: 3, Revise: 1, 'Work items': 1 });
    const result = summary.result as any;
    expect(result.goal).toBe('add caching');
    expect(result.revised).toBe(true);
    expect(result.verified).toBe(true);
    expect(result.plan).toEqual(REVISED);
    expect(result.verification.map((v: any) => [v.stance, v.verdict])).toEqual([
      ['feasibility', 'sound'], ['completeness', 'needs-changes'], ['risk', 'sound'],
    ]);
    expect(result.workItems).toEqual(ITEMS.items);
    expect(result.warnings).toEqual([]); // the revision fixed the draft's dependency problems
    // the draft's dependency problems are found in JS and logged
    expect(logs).toContain('plan: step dependency cycle: S1 -> S2 -> S1');
    expect(logs).toContain('plan: step "S3" depends on unknown step "S9"');
    // the reviser sees the objections and the dependency problems; verifiers and planner see the context
    const revise = dispatcher.calls.find((c) => c.label === 'revise')!;
    expect(revise.prompt).toContain('[completeness, needs-changes] step S3: no rollout step');
    expect(revise.prompt).toContain('[dependency check] step "S3" depends on unknown step "S9"');
    expect(dispatcher.calls.find((c) => c.label === 'plan')!.prompt).toContain('reads dominate');
    expect(dispatcher.calls.find((c) => c.label === 'work items')!.prompt).toContain('S4. step S4 (after S3)');
    expect(result.report).toContain('# Plan and verify: add caching');
    expect(result.report).toContain('The plan was revised.');
    expect(result.report).toContain('- [ ] writes evict');
  });

  test('plan-verify: all verifiers sound skips the revision; dependency problems become warnings', async () => {
    const { summary, logs } = await run('add caching', [plan(DRAFT), verifier('feasibility', sound), verifier('completeness', sound), verifier('risk', sound), items(ITEMS)]);
    expect(phaseCounts(summary)).toEqual({ Plan: 1, Verify: 3, Revise: 0, 'Work items': 1 });
    const result = summary.result as any;
    expect(result.revised).toBe(false);
    expect(result.plan).toEqual(DRAFT);
    expect(result.warnings).toEqual(['step "S3" depends on unknown step "S9"', 'step dependency cycle: S1 -> S2 -> S1']);
    expect(logs).toContain('revise skipped: every verifier that answered found the plan sound');
    expect(result.report).toContain('## Warnings');
    expect(result.report).toContain('- step dependency cycle: S1 -> S2 -> S1');
  });

  test('plan-verify: no goal exits early without agents', async () => {
    for (const args of [undefined, '', { context: 'only context' }]) {
      const { summary, logs } = await run(args);
      expect(summary.agentCount).toBe(0);
      expect((summary.result as any).report).toContain('No goal was given');
      expect(logs).toContain('plan-verify: no goal given; nothing to plan');
    }
  });

  test('plan-verify: a failed planning agent ends the run with a report, after one agent', async () => {
    const { summary, logs } = await run('add caching', [{ when: (r) => r.label === 'plan', fail: 'api down' }]);
    expect(summary.status).toBe('completed');
    expect(phaseCounts(summary)).toEqual({ Plan: 1, Verify: 0, Revise: 0, 'Work items': 0 });
    const result = summary.result as any;
    expect(result.plan).toBeNull();
    expect(result.report).toContain('The planning agent failed');
    expect(logs).toContain('plan-verify: the planning agent failed; nothing to verify');
  });

  test('plan-verify: when every verifier fails the plan goes on unverified and unrevised', async () => {
    const { summary, logs } = await run('add caching', [
      plan(REVISED),
      { when: (r) => r.phase === 'Verify', fail: 'api down' },
      items(ITEMS),
    ]);
    expect(phaseCounts(summary)).toEqual({ Plan: 1, Verify: 3, Revise: 0, 'Work items': 1 });
    const result = summary.result as any;
    expect(result.verified).toBe(false);
    expect(result.revised).toBe(false);
    expect(result.verification.every((v: any) => v.failed && v.verdict === null)).toBe(true);
    expect(result.workItems).toHaveLength(2);
    expect(logs).toContain('verify: every verifier failed; continuing with the unverified plan');
    expect(logs).toContain('verify: the risk verifier failed; its review is missing');
    expect(result.report).toContain('UNVERIFIED');
    expect(result.report).toContain('## Plan (unverified)');
  });

  test('plan-verify: a failed verifier is not an objection; the others decide', async () => {
    const { summary } = await run('add caching', [
      plan(REVISED),
      verifier('feasibility', sound),
      { when: (r) => r.label === 'verify: completeness', fail: 'api down' },
      verifier('risk', sound),
      items(ITEMS),
    ]);
    expect(phaseCounts(summary)).toEqual({ Plan: 1, Verify: 3, Revise: 0, 'Work items': 1 });
    const result = summary.result as any;
    expect(result.verified).toBe(true);
    expect(result.verification[1]).toEqual({ stance: 'completeness', verdict: null, failed: true, issues: [] });
    expect(result.report).toContain('completeness: failed');
  });

  test('plan-verify: a failed revision keeps the draft; failed work items leave an empty list', async () => {
    const { summary, logs } = await run('add caching', [
      plan(REVISED),
      verifier('feasibility', { verdict: 'unsound', issues: [] }),
      verifier('completeness', sound),
      verifier('risk', sound),
      { when: (r) => r.label === 'revise', fail: 'api down' },
      { when: (r) => r.label === 'work items', fail: 'api down' },
    ]);
    expect(phaseCounts(summary)).toEqual({ Plan: 1, Verify: 3, Revise: 1, 'Work items': 1 });
    const result = summary.result as any;
    expect(result.revised).toBe(false);
    expect(result.plan).toEqual(REVISED);
    expect(result.workItems).toEqual([]);
    expect(logs).toContain('revise: the revising agent failed; keeping the draft plan');
    expect(logs).toContain('work items: the agent failed; no work items');
    expect(result.report).toContain('the plan below is the unrevised draft');
    expect(result.report).toContain('The work-item agent failed');
  });

  test('plan-verify: work items depending on unknown titles are reported as warnings', async () => {
    const { summary, logs } = await run('add caching', [
      plan(REVISED),
      items({ items: [{ title: 'A', description: 'a', acceptanceCriteria: ['done'], dependsOn: ['Nope'] }] }),
    ]);
    const result = summary.result as any;
    expect(result.warnings).toEqual(['work item "A" depends on unknown work item "Nope"']);
    expect(logs).toContain('work items: work item "A" depends on unknown work item "Nope"');
  });
});
