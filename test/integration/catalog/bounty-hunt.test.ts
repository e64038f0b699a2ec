import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runScript } from '../../support/run-script.js';
import { compileWorkflow, validateWorkflowFile } from '../../../src/compile/index.js';
import { checkArgs } from '../../../src/index.js';
import type { AgentRequest } from '../../../src/dispatch/dispatcher.js';
import type { MockRule } from '../../../src/testing/mock-rule.js';

const FILE = resolve('catalog/bounty-hunt.js');
const source = readFileSync(FILE, 'utf8');
const run = (args: unknown, rules: MockRule[] = []) => runScript(source, { fileName: 'bounty-hunt.js', args, rules });
const phaseCounts = (summary: { phases: Array<{ title: string; agents: number }> }) =>
  Object.fromEntries(summary.phases.map((p) => [p.title, p.agents]));

const finding = (title: string, severity: string, file = 'src/api.ts', line?: number, cwe?: string) => ({
  title,
  file,
  ...(line ? { line } : {}),
  severity,
  ...(cwe ? { cwe } : {}),
  exploit: `exploit ${title}`,
  evidence: `code of ${title}`,
});
const hunters = (byFocus: Record<string, unknown[]>): MockRule => ({
  when: (r) => r.phase === 'Hunt',
  reply: (r: AgentRequest) => ({ findings: byFocus[r.label.replace(/^hunt \d+: /, '')] ?? [] }),
});
const verifier = (id: string, reply: unknown): MockRule => ({ when: (r) => r.label.startsWith(`verify ${id}:`), reply });
const verifierFails = (id: string): MockRule => ({ when: (r) => r.label.startsWith(`verify ${id}:`), fail: 'api down' });

describe('bounty-hunt', () => {
  test('bounty-hunt: validates without errors or warnings, and meta.args takes a string or an object', async () => {
    const { diagnostics } = await validateWorkflowFile(FILE);
    expect(diagnostics).toEqual([]);
    const workflow = await compileWorkflow(source, FILE);
    expect(workflow.meta.phases?.map((p) => p.title)).toEqual(['Hunt', 'Verify']);
    expect(() => checkArgs(workflow.meta, 'src/api/')).not.toThrow();
    expect(() => checkArgs(workflow.meta, { target: 'src/', focuses: ['ssrf'] })).not.toThrow();
  });

  test('bounty-hunt: four hunters, one verifier per unique finding; invalid dropped, unsure marked, downgrade applied', async () => {
    const { summary, logs, dispatcher } = await run('src/', [
      hunters({
        injection: [finding('SQL injection in search', 'critical', 'src/db.ts', 12, 'CWE-89'), finding('Reflected XSS', 'medium')],
        'authentication and authorisation': [finding('IDOR on /orders/:id', 'high'), finding('sql injection in SEARCH', 'high', './src/db.ts', 12)],
        'cryptography and secrets': [finding('Hard-coded JWT key', 'high', 'src/auth.ts')],
        'business logic': [],
      }),
      verifier('F1', { verdict: 'valid', reason: 'query built by concatenation' }),
      verifier('F2', { verdict: 'unsure', reason: 'depends on the template engine' }),
      verifier('F3', { verdict: 'valid', reason: 'no owner check', severity: 'medium' }),
      verifier('F4', { verdict: 'invalid', reason: 'the key is only used in tests' }),
    ]);
    expect(summary.status).toBe('completed');
    expect(phaseCounts(summary)).toEqual({ Hunt: 4, Verify: 4 });
    const result = summary.result as any;
    expect(result.target).toBe('src/');
    expect(result.findings.map((f: any) => [f.id, f.severity, f.status])).toEqual([
      ['F1', 'critical', 'confirmed'],
      ['F3', 'medium', 'confirmed'],
      ['F2', 'medium', 'unsure'],
    ]);
    expect(result.findings[0]).toMatchObject({ cwe: 'CWE-89', line: 12, file: 'src/db.ts', focus: 'injection', verification: 'query built by concatenation' });
    expect(result.findings[1].reportedSeverity).toBe('high');
    expect(result.dropped).toBe(1);
    expect(result.unverified).toEqual([]);
    expect(result.stats).toEqual({
      hunters: 4, huntersFailed: 0, reported: 5, duplicates: 1, verified: 4, valid: 2, unsure: 1, invalid: 1, verifierFailed: 0, capped: 0,
    });
    // most severe first
    expect(dispatcher.calls.filter((c) => c.phase === 'Verify').map((c) => c.label.split(':')[0])).toEqual(['verify F1', 'verify F3', 'verify F4', 'verify F2']);
    expect(dispatcher.calls.find((c) => c.label.startsWith('verify F4'))!.prompt).toContain('<<<FINDING\ntitle: Hard-coded JWT key');
    expect(logs).toContain('hunt: dropped 1 duplicate finding(s) (same file, line and title)');
    expect(logs).toContain('verify: dropped F4 (Hard-coded JWT key): the key is only used in tests');
    expect(logs).toContain('verify: F3 downgraded from high to medium');
    expect(result.report).toContain('## Findings (3)');
    expect(result.report).toContain('_(unsure');
    expect(result.report).not.toContain('Hard-coded JWT key');
  });

  test('bounty-hunt: no findings runs the four hunters only and says so', async () => {
    const { summary, logs } = await run({ target: 'src/' }, [hunters({})]);
    expect(phaseCounts(summary)).toEqual({ Hunt: 4, Verify: 0 });
    const result = summary.result as any;
    expect(result).toMatchObject({ findings: [], unverified: [], dropped: 0 });
    expect(logs).toContain('verify skipped: no findings');
    expect(result.report).toContain('No vulnerabilities were found.');
  });

  test('bounty-hunt: no target exits early without agents', async () => {
    for (const args of [undefined, ' ', { focuses: ['injection'] }]) {
      const { summary, logs } = await run(args);
      expect(summary.agentCount).toBe(0);
      expect((summary.result as any).report).toContain('No target was given');
      expect(logs).toContain('bounty-hunt: no target given; nothing to examine');
    }
  });

  test('bounty-hunt: custom focuses set the hunters', async () => {
    const { summary, dispatcher } = await run({ target: 'src/', focuses: ['ssrf', 'xxe', 'ssrf'] }, [hunters({})]);
    expect(phaseCounts(summary)).toEqual({ Hunt: 2, Verify: 0 });
    expect(dispatcher.calls.map((c) => c.label)).toEqual(['hunt 1: ssrf', 'hunt 2: xxe']);
  });

  test('bounty-hunt: a failed hunter is dropped and logged; a failed verifier leaves its finding unverified', async () => {
    const { summary, logs } = await run('src/', [
      hunters({ injection: [finding('Command injection', 'critical'), finding('Path traversal', 'high')] }),
      { when: (r) => r.label === 'hunt 2: authentication and authorisation', fail: 'api down' },
      verifier('F1', { verdict: 'valid', reason: 'shell: true with user input' }),
      verifierFails('F2'),
    ]);
    expect(summary.status).toBe('completed');
    expect(phaseCounts(summary)).toEqual({ Hunt: 4, Verify: 2 });
    const result = summary.result as any;
    expect(result.findings.map((f: any) => f.id)).toEqual(['F1']);
    expect(result.unverified.map((f: any) => [f.id, f.unverifiedBecause])).toEqual([['F2', 'verifier failed']]);
    expect(result.dropped).toBe(0);
    expect(result.stats).toMatchObject({ huntersFailed: 1, verifierFailed: 1, valid: 1 });
    expect(logs).toContain('hunt: the authentication and authorisation hunter failed; its findings are missing');
    expect(logs).toContain('verify: the verifier of F2 failed; reporting it as unverified');
    expect(result.report).toContain('## Unverified (1)');
    expect(result.report).toContain('Path traversal in `src/api.ts` (verifier failed)');
    expect(result.report).toContain('1 hunter(s) failed (authentication and authorisation)');
  });

  test('bounty-hunt: every hunter failing is reported, not a crash', async () => {
    const { summary, logs } = await run('src/', [{ when: (r) => r.phase === 'Hunt', fail: 'api down' }]);
    expect(phaseCounts(summary)).toEqual({ Hunt: 4, Verify: 0 });
    expect(logs).toContain('verify skipped: every hunter failed');
    expect((summary.result as any).report).toContain('Every hunter failed');
  });

  test('bounty-hunt: verification is capped at 20, most severe first; the rest are listed as unverified', async () => {
    const many = Array.from({ length: 25 }, (_, i) => finding(`bug ${i + 1}`, i < 5 ? 'low' : i < 15 ? 'medium' : 'high', `f${i + 1}.ts`));
    const { summary, logs, dispatcher } = await run('src/', [
      hunters({ 'business logic': many }),
      { when: (r) => r.phase === 'Verify', reply: { verdict: 'valid', reason: 'checked', severity: 'critical' } },
    ]);
    expect(phaseCounts(summary)).toEqual({ Hunt: 4, Verify: 20 });
    const result = summary.result as any;
    expect(result.findings).toHaveLength(20);
    // a verifier may only downgrade: the "critical" upgrade is ignored
    expect(result.findings.filter((f: any) => f.severity === 'critical')).toEqual([]);
    expect(result.unverified).toHaveLength(5);
    expect(result.unverified.every((f: any) => f.severity === 'low' && f.unverifiedBecause === 'over the verification cap')).toBe(true);
    expect(result.stats).toMatchObject({ capped: 5, verified: 20, valid: 20 });
    expect(dispatcher.calls.filter((c) => c.phase === 'Verify')[0]!.label).toBe('verify F16: bug 16');
    expect(logs).toContain('verify: capped at 20 findings (25 found); 5 left unverified');
    expect(logs.some((l) => l.startsWith('verify: ignored the verifier\'s upgrade of F16'))).toBe(true);
    expect(result.report).toContain('Verification was capped at 20 findings');
  });
});
