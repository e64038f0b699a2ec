import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { checkArgs, compileWorkflow, validateWorkflowFile } from '../../../src/index.js';
import type { AgentRequest } from '../../../src/dispatch/dispatcher.js';
import type { MockRule } from '../../../src/testing/mock-rule.js';
import { runScript } from '../../support/run-script.js';

const FILE = 'catalog/multi-review.js';
const source = readFileSync(FILE, 'utf8');

type Severity = 'low' | 'medium' | 'high' | 'critical';
function finding(file: string, severity: Severity, title: string, line?: number) {
  return { file, severity, title, detail: `detail of ${title}`, ...(line === undefined ? {} : { line }) };
}

const area = (name: string) => (r: AgentRequest) => r.label === `review: ${name}`;

function review(findings: unknown[], summary: string) {
  return { findings, summary };
}

async function run(args: unknown, rules: MockRule[]) {
  const out = await runScript(source, { fileName: 'multi-review.js', args, rules });
  expect(out.summary.status, JSON.stringify(out.summary.error)).toBe('completed');
  const phases = Object.fromEntries(out.summary.phases.map((p) => [p.title, p.agents]));
  return { ...out, result: out.summary.result as any, phases };
}

describe('multi-review', () => {
  test('multi-review: three reviews in parallel, merged, de-duplicated and ranked', async () => {
    const { result, phases, dispatcher, logs } = await run({ target: 'Adds retries to the HTTP client', paths: ['src/http.ts', 'src/retry.ts'] }, [
      {
        when: area('health'),
        reply: review(
          [finding('src/retry.ts', 'medium', 'Retry loop has no upper bound', 12), finding('src/http.ts', 'low', 'Long function')],
          'Readable, but the retry loop needs a bound.',
        ),
      },
      {
        when: area('security'),
        reply: review(
          [finding('./src/retry.ts', 'high', 'Retry loop has no upper bound!'), finding('src/http.ts', 'critical', 'Token logged on retry', 40)],
          'One serious leak.',
        ),
      },
      { when: area('standards'), reply: review([finding('src/http.ts', 'low', 'Missing changelog entry')], 'Mostly follows the conventions.') },
    ]);

    expect(phases).toEqual({ Review: 3 });
    expect(result.target).toBe('Adds retries to the HTTP client');
    expect(result.areas).toEqual({
      health: { summary: 'Readable, but the retry loop needs a bound.', count: 2 },
      security: { summary: 'One serious leak.', count: 2 },
      standards: { summary: 'Mostly follows the conventions.', count: 1 },
    });
    expect(result.findings.map((f: any) => [f.severity, f.file, f.line, f.title, f.areas])).toEqual([
      ['critical', 'src/http.ts', 40, 'Token logged on retry', ['security']],
      ['high', 'src/retry.ts', 12, 'Retry loop has no upper bound!', ['security', 'health']],
      ['low', 'src/http.ts', null, 'Long function', ['health']],
      ['low', 'src/http.ts', null, 'Missing changelog entry', ['standards']],
    ]);
    expect(logs).toContain('merge: dropped 1 duplicate finding (same file and title)');

    const calls = dispatcher.calls;
    expect(calls.map((c) => c.label).sort()).toEqual(['review: health', 'review: security', 'review: standards']);
    for (const call of calls) {
      expect(call.phase).toBe('Review');
      expect(call.schema).toBeDefined();
      expect(call.prompt).toContain('<<<CHANGE');
      expect(call.prompt).toContain('Adds retries to the HTTP client');
      expect(call.prompt).toContain('- src/retry.ts');
    }

    const report: string = result.report;
    expect(report).toMatch(/^# Multi-review: Adds retries to the HTTP client\n/);
    expect(report).toContain('- **Code health:** 2 findings (1 medium, 1 low). Readable, but the retry loop needs a bound.');
    expect(report).toContain('- **Security:** 2 findings (1 critical, 1 high). One serious leak.');
    expect(report).toContain('- **Standards:** 1 finding (1 low). Mostly follows the conventions.');
    expect(report).toContain('4 findings (1 critical, 1 high, 2 low), 1 duplicate merged.');
    expect(report).toContain('1. **[CRITICAL] Token logged on retry** (`src/http.ts:40`, security)');
    expect(report).toContain('2. **[HIGH] Retry loop has no upper bound!** (`src/retry.ts:12`, security + health)');
  });

  test('multi-review: a failed reviewer is "no review" for its area, logged, not a crash', async () => {
    const { result, phases, logs } = await run('src/a.ts', [
      { when: area('health'), reply: review([finding('src/a.ts', 'medium', 'Dead branch', 3)], 'Fine apart from one branch.') },
      { when: area('security'), fail: 'api down' },
      { when: area('standards'), reply: review([], 'Follows the style guide.') },
    ]);

    expect(phases).toEqual({ Review: 3 });
    expect(result.areas.security).toBeNull();
    expect(result.areas.standards).toEqual({ summary: 'Follows the style guide.', count: 0 });
    expect(result.findings).toHaveLength(1);
    expect(logs).toContain('review: the security reviewer failed; security has no review');
    expect(result.report).toContain('- **Security:** no review (the reviewer failed)');
    expect(result.report).toContain('- **Standards:** no findings. Follows the style guide.');
  });

  test('multi-review: nothing found says so', async () => {
    const { result, phases } = await run('the change in HEAD~1', [{ reply: review([], 'Looks good.') }]);
    expect(phases).toEqual({ Review: 3 });
    expect(result.target).toBe('the change in HEAD~1');
    expect(result.findings).toEqual([]);
    expect(result.areas.health).toEqual({ summary: 'Looks good.', count: 0 });
    expect(result.report).toContain('## Findings\n\nNo findings.');
  });

  test('multi-review: every reviewer failing is reported, not a crash', async () => {
    const { result, logs } = await run({ paths: ['src/a.ts'] }, [{ fail: 'down' }]);
    expect(result.target).toBe('src/a.ts');
    expect(result.areas).toEqual({ health: null, security: null, standards: null });
    expect(result.report).toContain('No findings: every reviewer failed, so nothing was reviewed.');
    expect(logs.filter((l) => l.endsWith('has no review'))).toHaveLength(3);
  });

  test('multi-review: an empty target exits early without agents', async () => {
    for (const args of [undefined, '   ', { target: '' }, { paths: [] }, ['x']]) {
      const { result, summary, logs } = await run(args, []);
      expect(summary.agentCount).toBe(0);
      expect(result.areas).toEqual({ health: null, security: null, standards: null });
      expect(result.report).toContain('Nothing was reviewed: no change given.');
      expect(logs.some((l) => l.startsWith('multi-review: no change given'))).toBe(true);
    }
  });

  test('multi-review: meta validates and accepts both args forms', async () => {
    const { diagnostics } = await validateWorkflowFile(FILE);
    expect(diagnostics).toEqual([]);
    const workflow = await compileWorkflow(source, FILE);
    expect(workflow.meta.phases!.map((p) => p.title)).toEqual(['Review']);
    expect(() => checkArgs(workflow.meta, 'main..HEAD')).not.toThrow();
    expect(() => checkArgs(workflow.meta, { target: 'x', paths: ['a'] })).not.toThrow();
    expect(() => checkArgs(workflow.meta, { files: ['a'] })).toThrow();
  });
});
