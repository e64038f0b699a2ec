import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { checkArgs, compileWorkflow, validateWorkflowFile } from '../../../src/index.js';
import type { AgentRequest } from '../../../src/dispatch/dispatcher.js';
import type { MockRule } from '../../../src/testing/mock-rule.js';
import { runScript } from '../../support/run-script.js';

const FILE = 'catalog/review-code.js';
const source = readFileSync(FILE, 'utf8');

interface Finding {
  file: string;
  line: number;
  severity: 'low' | 'medium' | 'high' | 'critical';
  title: string;
  evidence: string;
  suggestion: string;
}

function finding(file: string, line: number, severity: Finding['severity'], title: string): Finding {
  return { file, line, severity, title, evidence: `code at ${file}:${line}`, suggestion: `fix ${title}` };
}

const CONTEXT = {
  files: [
    { path: 'src/a.ts', summary: 'parses input' },
    { path: './src/b.ts', summary: 'runs queries' },
  ],
  overview: 'A small service that parses input and queries a database.',
  risks: ['query building in b.ts'],
};

const inPhase = (phase: string) => (r: AgentRequest) => r.phase === phase;
const area = (name: string) => (r: AgentRequest) => r.label === `review: ${name}`;

function rules(opts: {
  context?: unknown;
  correctness?: Finding[];
  security?: Finding[];
  performance?: Finding[];
  verdict?: (r: AgentRequest) => unknown;
  extra?: MockRule[];
}): MockRule[] {
  return [
    { when: inPhase('Context'), reply: opts.context ?? CONTEXT },
    { when: area('correctness'), reply: { findings: opts.correctness ?? [] } },
    { when: area('security'), reply: { findings: opts.security ?? [] } },
    { when: area('performance'), reply: { findings: opts.performance ?? [] } },
    { when: inPhase('Challenge'), reply: opts.verdict ?? (() => ({ verdict: 'confirmed', reason: 'the code does this' })) },
    ...(opts.extra ?? []),
  ];
}

async function run(args: unknown, ruleList: MockRule[]) {
  const out = await runScript(source, { fileName: 'review-code.js', args, rules: ruleList });
  expect(out.summary.status, JSON.stringify(out.summary.error)).toBe('completed');
  const phases = Object.fromEntries(out.summary.phases.map((p) => [p.title, p.agents]));
  return { ...out, result: out.summary.result as any, phases };
}

describe('review-code', () => {
  test('review-code: main path reviews three areas and challenges each high/critical finding', async () => {
    const { result, phases, dispatcher } = await run('src/a.ts, src/b.ts', rules({
      correctness: [finding('src/a.ts', 10, 'high', 'Off-by-one in loop bound'), finding('src/a.ts', 40, 'low', 'Unused variable')],
      security: [finding('./src/b.ts', 5, 'critical', 'SQL injection in query builder')],
      performance: [finding('src/b.ts', 30, 'medium', 'Query in a loop')],
    }));

    expect(phases).toEqual({ Context: 1, Review: 3, Challenge: 2 });
    expect(result.target).toBe('src/a.ts, src/b.ts');
    expect(result.overview).toBe(CONTEXT.overview);
    expect(result.findings.map((f: any) => [f.severity, f.file, f.line, f.area, f.checked])).toEqual([
      ['critical', 'src/b.ts', 5, 'security', 'confirmed'],
      ['high', 'src/a.ts', 10, 'correctness', 'confirmed'],
      ['medium', 'src/b.ts', 30, 'performance', 'not-required'],
      ['low', 'src/a.ts', 40, 'correctness', 'not-required'],
    ]);
    expect(result.dropped).toEqual({ rejected: [], duplicates: [] });
    expect(result.stats).toMatchObject({
      files: 2,
      reviewers: { ok: 3, failed: [] },
      reported: 4,
      duplicates: 0,
      challenged: 2,
      confirmed: 2,
      rejected: 0,
      final: 4,
      bySeverity: { critical: 1, high: 1, medium: 1, low: 1 },
    });

    // Prompts: the context agent gets the paths; reviewers get the files and overview; skeptics get their finding.
    const context = dispatcher.calls.find((c) => c.phase === 'Context')!;
    expect(context.label).toBe('context');
    expect(context.prompt).toContain('- src/a.ts');
    expect(context.prompt).toContain('- src/b.ts');
    const reviews = dispatcher.calls.filter((c) => c.phase === 'Review');
    expect(reviews.map((c) => c.label).sort()).toEqual(['review: correctness', 'review: performance', 'review: security']);
    for (const review of reviews) {
      expect(review.schema).toBeDefined();
      expect(review.prompt).toContain('- src/b.ts: runs queries');
      expect(review.prompt).toContain(CONTEXT.overview);
      expect(review.prompt).toContain('<<<CONTEXT');
    }
    const challenges = dispatcher.calls.filter((c) => c.phase === 'Challenge');
    expect(challenges.map((c) => c.prompt.includes('SQL injection in query builder') || c.prompt.includes('Off-by-one'))).toEqual([true, true]);
    expect(challenges.every((c) => c.prompt.includes('<<<FINDING') && /^challenge \d+: /.test(c.label))).toBe(true);

    expect(result.report).toMatch(/^# Code review: src\/a\.ts, src\/b\.ts\n/);
    expect(result.report).toContain('**4 findings** (1 critical, 1 high, 1 medium, 1 low) in 2 files.');
    expect(result.report).toContain('### 1. [CRITICAL] SQL injection in query builder');
    expect(result.report).toContain('`src/b.ts:5` (security, confirmed)');
    expect(result.report).toContain('## Files reviewed');
    expect(result.report).toContain('## Risks noted while reading');
  });

  test('review-code: duplicates across areas are merged before the challenge', async () => {
    const { result, phases, logs } = await run({ paths: ['src/b.ts'] }, rules({
      correctness: [
        finding('src/b.ts', 12, 'high', 'Unvalidated input used in path'),
        finding('src/b.ts', 50, 'low', 'Same line, other title'),
        finding('src/b.ts', 50, 'medium', 'Another title on the same line'),
      ],
      security: [
        finding('src/b.ts', 14, 'critical', 'Unvalidated input used in path!'), // within 3 lines, same normalised title
        finding('src/b.ts', 40, 'high', 'Unvalidated input used in path'), // too far away: distinct
        finding('src/a.ts', 12, 'low', 'Unvalidated input used in path'), // other file: distinct
        finding('src/b.ts', 50, 'low', 'Different area, same line'), // other area: distinct
      ],
    }));

    expect(phases).toEqual({ Context: 1, Review: 3, Challenge: 2 });
    expect(result.findings.map((f: any) => [f.file, f.line, f.severity, f.area, f.alsoReportedBy])).toEqual([
      ['src/b.ts', 14, 'critical', 'security', ['correctness']],
      ['src/b.ts', 40, 'high', 'security', []],
      ['src/b.ts', 50, 'medium', 'correctness', []],
      ['src/a.ts', 12, 'low', 'security', []],
      ['src/b.ts', 50, 'low', 'security', []],
    ]);
    expect(result.dropped.duplicates).toHaveLength(2);
    expect(result.dropped.duplicates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ area: 'correctness', line: 12, duplicateOf: expect.objectContaining({ area: 'security', line: 14 }) }),
        expect.objectContaining({ area: 'correctness', line: 50, title: 'Same line, other title' }),
      ]),
    );
    expect(result.stats).toMatchObject({ reported: 7, duplicates: 2, final: 5 });
    expect(logs).toContain('merge: dropped 2 duplicate findings');
    expect(result.report).toContain('(security + correctness, confirmed)');
    expect(result.report).toContain('- 2 duplicate findings merged');
  });

  test('review-code: rejected findings are dropped and logged, uncertain kept, a failed checker leaves the finding unchecked', async () => {
    const { result, phases, logs } = await run('src/a.ts src/b.ts', rules({
      correctness: [finding('src/a.ts', 3, 'high', 'Null dereference'), finding('src/a.ts', 80, 'high', 'Race on shared map')],
      security: [finding('src/b.ts', 9, 'critical', 'Command injection')],
      extra: [
        { when: (r) => r.phase === 'Challenge' && r.prompt.includes('Command injection'), reply: { verdict: 'rejected', reason: 'the argument is a constant' } },
        { when: (r) => r.phase === 'Challenge' && r.prompt.includes('Race on shared map'), reply: { verdict: 'uncertain', reason: 'depends on the caller' } },
        { when: (r) => r.phase === 'Challenge' && r.prompt.includes('Null dereference'), fail: 'api down' },
      ],
    }));

    expect(phases).toEqual({ Context: 1, Review: 3, Challenge: 3 });
    expect(result.findings.map((f: any) => [f.title, f.checked])).toEqual([
      ['Null dereference', 'unchecked'],
      ['Race on shared map', 'uncertain'],
    ]);
    expect(result.findings[1].challenge).toBe('depends on the caller');
    expect(result.dropped.rejected).toEqual([
      { area: 'security', file: 'src/b.ts', line: 9, severity: 'critical', title: 'Command injection', reason: 'the argument is a constant' },
    ]);
    expect(result.stats).toMatchObject({ challenged: 3, confirmed: 0, rejected: 1, uncertain: 1, unchecked: 1, final: 2 });
    expect(logs.some((l) => l.startsWith('challenge: rejected "Command injection" (src/b.ts:9): the argument is a constant'))).toBe(true);
    expect(logs.some((l) => l.includes('checker for "Null dereference" (src/a.ts:3) failed; kept as unchecked'))).toBe(true);
    expect(result.report).toContain('- rejected: Command injection (`src/b.ts:9`, security): the argument is a constant');
    expect(result.report).not.toContain('[CRITICAL]');
  });

  test('review-code: a failed reviewer is logged and reported, not a crash', async () => {
    const { result, phases, logs } = await run('src/a.ts', rules({
      correctness: [finding('src/a.ts', 7, 'medium', 'Wrong default')],
      extra: [{ when: area('security'), fail: 'overloaded' }],
    }));

    expect(phases).toEqual({ Context: 1, Review: 3, Challenge: 0 });
    expect(result.stats.reviewers).toEqual({ ok: 2, failed: ['security'] });
    expect(result.findings).toHaveLength(1);
    expect(logs).toContain('review: the security reviewer failed; no security findings');
    expect(result.report).toContain('security (failed: no review)');
  });

  test('review-code: every reviewer failing gives an honest empty report', async () => {
    const { result, phases } = await run('src/a.ts', rules({ extra: [{ when: inPhase('Review'), fail: 'down' }] }));
    expect(phases).toEqual({ Context: 1, Review: 3, Challenge: 0 });
    expect(result.findings).toEqual([]);
    expect(result.report).toContain('No findings: every reviewer failed, so nothing was reviewed.');
  });

  test('review-code: nothing found says so and runs no challenge', async () => {
    const { result, phases } = await run('src/a.ts', rules({}));
    expect(phases).toEqual({ Context: 1, Review: 3, Challenge: 0 });
    expect(result.findings).toEqual([]);
    expect(result.stats).toMatchObject({ reported: 0, final: 0, challenged: 0 });
    expect(result.report).toContain('**No findings** in 2 files.');
    expect(result.report).toContain('No findings: the reviewers reported no issues.');
    expect(result.report).not.toContain('## Dropped');
  });

  test('review-code: an empty target exits early without agents', async () => {
    for (const args of [undefined, '', '  , ', { paths: [] }, { paths: ['  '], range: ' ' }, 42]) {
      const { result, summary, logs } = await run(args, rules({}));
      expect(summary.agentCount).toBe(0);
      expect(result.findings).toEqual([]);
      expect(result.report).toContain('Nothing was reviewed: no target given.');
      expect(logs.some((l) => l.startsWith('review-code: no target given'))).toBe(true);
    }
  });

  test('review-code: no files found or a failed context agent exits after the context phase', async () => {
    const empty = await run('main..HEAD', rules({ context: { files: [], overview: 'could not run git', risks: [] } }));
    expect(empty.phases).toEqual({ Context: 1, Review: 0, Challenge: 0 });
    expect(empty.result.report).toContain('no files to review were found (context agent: could not run git)');
    expect(empty.result.target).toBe('range main..HEAD');

    const failed = await run('src/a.ts', rules({ extra: [{ when: inPhase('Context'), fail: 'down' }] }));
    expect(failed.phases).toEqual({ Context: 1, Review: 0, Challenge: 0 });
    expect(failed.result.report).toContain('the context agent failed');
    expect(failed.logs.some((l) => l.includes('the context agent failed'))).toBe(true);
  });

  test('review-code: git ranges, relative paths and the object form are parsed', async () => {
    const range = await run('main..HEAD', rules({}));
    const prompt = range.dispatcher.calls[0]!.prompt;
    expect(prompt).toContain('git range `main..HEAD`');
    expect(prompt).toContain('git diff main..HEAD');
    expect(prompt).toContain('If you cannot run git, review the listed paths instead');
    expect(range.dispatcher.calls.filter((c) => c.phase === 'Review').every((c) => c.prompt.includes('changed in `main..HEAD`'))).toBe(true);

    const mixed = await run('HEAD~3 ../lib/x.js,src/y.ts', rules({}));
    expect(mixed.result.target).toBe('range HEAD~3 + ../lib/x.js, src/y.ts');

    const object = await run({ paths: ['src/a.ts'], range: 'origin/main...HEAD', focus: 'error handling' }, rules({}));
    expect(object.result.target).toBe('range origin/main...HEAD + src/a.ts');
    expect(object.dispatcher.calls.every((c) => c.prompt.includes('focus on: error handling'))).toBe(true);
  });

  test('review-code: challenges are capped at 12, the rest stay unchecked', async () => {
    const many = Array.from({ length: 14 }, (_, i) => finding('src/a.ts', 10 * (i + 1), 'high', `Bug number ${i + 1}`));
    const { result, phases, logs } = await run('src/a.ts', rules({ correctness: many }));
    expect(phases).toEqual({ Context: 1, Review: 3, Challenge: 12 });
    expect(result.findings.filter((f: any) => f.checked === 'unchecked')).toHaveLength(2);
    expect(logs).toContain('challenge: capped at 12 findings (14 high or critical); the rest stay unchecked');
  });

  test('review-code: meta validates and accepts both args forms', async () => {
    const { diagnostics } = await validateWorkflowFile(FILE);
    expect(diagnostics).toEqual([]);
    const workflow = await compileWorkflow(source, FILE);
    expect(workflow.meta.phases!.map((p) => p.title)).toEqual(['Context', 'Review', 'Challenge']);
    expect(() => checkArgs(workflow.meta, 'src/a.ts')).not.toThrow();
    expect(() => checkArgs(workflow.meta, { paths: ['a'], range: 'HEAD~1', focus: 'x' })).not.toThrow();
    expect(() => checkArgs(workflow.meta, { files: ['a'] })).toThrow();
  });
});
