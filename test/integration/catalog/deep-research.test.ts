import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runScript } from '../../support/run-script.js';
import { compileWorkflow, validateWorkflowFile } from '../../../src/compile/index.js';
import { checkArgs } from '../../../src/index.js';
import type { AgentRequest } from '../../../src/dispatch/dispatcher.js';
import type { MockRule } from '../../../src/testing/mock-rule.js';

const FILE = resolve('catalog/deep-research.js');
const source = readFileSync(FILE, 'utf8');
const run = (args: unknown, rules: MockRule[] = []) => runScript(source, { fileName: 'deep-research.js', args, rules });
const phaseCounts = (summary: { phases: Array<{ title: string; agents: number }> }) =>
  Object.fromEntries(summary.phases.filter((p) => p.agents > 0).map((p) => [p.title, p.agents]));

// ---- Mock helpers --------------------------------------------------------------------------------

type Verdict = 'supported' | 'refuted' | 'unclear' | 'fail';
const angle = (n: number) => ({ angle: `angle ${n}`, query: `query number ${n}`, why: `covers part ${n}` });
const hit = (url: string) => ({ url, title: `title of ${url}`, snippet: `about ${url}` });
const claim = (text: string, importance: number) => ({ claim: text, quote: `the page says: ${text}`, importance });

const scope = (count: number): MockRule => ({
  when: (r) => r.label === 'scope',
  reply: { angles: Array.from({ length: count }, (_, i) => angle(i + 1)) },
});
/** Search replies by angle number (1-based); `null` makes that search agent fail, 'noweb' report no web access. */
const searches = (byAngle: Array<string[] | null | 'noweb'>): MockRule[] => [
  {
    when: (r) => r.label.endsWith(': search'),
    reply: (r: AgentRequest) => {
      const reply = byAngle[Number(/^angle (\d+)/.exec(r.label)![1]) - 1];
      if (reply === 'noweb') return { noWebAccess: true, results: [] };
      return { noWebAccess: false, results: (reply ?? []).map(hit) };
    },
  },
  ...byAngle.flatMap((reply, i): MockRule[] => (reply === null ? [{ when: (r) => r.label === `angle ${i + 1}: search`, fail: 'search api down' }] : [])),
];
/** Page replies by the host in the fetch label; unknown hosts give no claims. */
const pages = (byHost: Record<string, ReturnType<typeof claim>[]>): MockRule => ({
  when: (r) => r.label.startsWith('fetch '),
  reply: (r: AgentRequest) => ({ claims: byHost[/^fetch \d+: (.*)$/.exec(r.label)![1]!] ?? [] }),
});
/** Verifier k (1-based) of a claim answers verdicts[k - 1]; claims are told apart by a word in the prompt. */
const verdicts = (byClaim: Record<string, Verdict[]>, fallback: Verdict = 'supported'): MockRule[] => [
  {
    when: (r) => r.phase === 'Verify',
    reply: (r: AgentRequest) => {
      const k = Number(/verifier (\d+)$/.exec(r.label)![1]);
      const entry = Object.entries(byClaim).find(([word]) => r.prompt.includes(`claim: ${word}`));
      const verdict = entry ? entry[1][k - 1]! : fallback;
      return { verdict, reason: `verifier ${k} says ${verdict}`, sources: [`https://check.example/${k}`] };
    },
  },
  {
    when: (r) => {
      if (r.phase !== 'Verify') return false;
      const k = Number(/verifier (\d+)$/.exec(r.label)![1]);
      const entry = Object.entries(byClaim).find(([word]) => r.prompt.includes(`claim: ${word}`));
      return (entry ? entry[1][k - 1] : fallback) === 'fail';
    },
    fail: 'verifier rate limited',
  },
];
const synthesis: MockRule = {
  when: (r) => r.label === 'synthesise',
  reply: { summary: 'Alpha holds [1], and beta too [3].', caveats: ['few sources'], openQuestions: ['what about gamma?'] },
};

// The quick fixture: 3 angles (4 proposed), 8 results of which 6 are unique, 7 distinct claims.
const QUICK_SEARCHES = [
  ['https://www.Example.com/a/?utm_source=x#frag', 'https://b.org/paper', 'https://c.net/news'],
  ['https://example.com/a', 'https://d.io/blog/', 'https://e.com/x?id=1&gclid=abc'],
  ['HTTPS://B.org/paper/', 'https://f.com/post'],
];
const QUICK_PAGES = {
  'example.com': [claim('Beta is true', 5), claim('Zeta is minor', 2)],
  'd.io': [claim('Alpha is true', 5)],
  'f.com': [claim('Gamma is true', 4), claim('Eta is trivia', 1)],
  'b.org': [claim('alpha is TRUE.', 3), claim('Delta is true', 4)],
  'e.com': [claim('Epsilon is true', 3)],
  'c.net': [],
};
const QUICK_VOTES: Record<string, Verdict[]> = {
  Alpha: ['supported', 'supported', 'supported'],
  Beta: ['supported', 'supported', 'fail'],
  Gamma: ['refuted', 'supported', 'refuted'],
  Delta: ['supported', 'refuted', 'unclear'],
  Epsilon: ['fail', 'fail', 'fail'],
};
const quickRules = (extra: MockRule[] = []): MockRule[] => [
  scope(4),
  ...searches(QUICK_SEARCHES),
  pages(QUICK_PAGES),
  ...verdicts(QUICK_VOTES),
  synthesis,
  ...extra,
];

describe('deep-research', () => {
  test('deep-research: validates without errors or warnings; meta.args takes a string or { question, depth }', async () => {
    const { diagnostics } = await validateWorkflowFile(FILE);
    expect(diagnostics).toEqual([]);
    const workflow = await compileWorkflow(source, FILE);
    expect(workflow.meta.name).toBe('deep-research');
    expect(workflow.meta.phases?.map((p) => p.title)).toEqual(['Scope', 'Research', 'Verify', 'Synthesise']);
    expect(() => checkArgs(workflow.meta, 'what is a CRDT?')).not.toThrow();
    expect(() => checkArgs(workflow.meta, { question: 'what is a CRDT?', depth: 'deep' })).not.toThrow();
    expect(() => checkArgs(workflow.meta, { question: 'q', depth: 'huge' })).toThrow();
  });

  test('deep-research: quick main path: exact agent counts per phase, dedup, ranking, vote rules and the report', async () => {
    const { summary, logs, dispatcher } = await run({ question: 'Is alpha true?', depth: 'quick' }, quickRules());
    expect(summary.status).toBe('completed');
    // Scope 1; Research 3 searches + 6 fetches; Verify 5 claims x 3; Synthesise 1
    expect(phaseCounts(summary)).toEqual({ Scope: 1, Research: 9, Verify: 15, Synthesise: 1 });
    expect(summary.agentCount).toBe(26);
    const result = summary.result as any;
    expect(result.question).toBe('Is alpha true?');
    expect(result.stats).toEqual({
      angles: 3, searches: 3, urls: 6, duplicatesDropped: 2, fetched: 6, notFetched: 0,
      claims: 7, verified: 5, agents: 26, failedAgents: 4,
    });
    expect(logs.some((l) => l.startsWith('scope: 4 angles proposed; quick searches 3, so 1 cut: "angle 4"'))).toBe(true);
    expect(logs).toContain(
      'research: dropped 2 duplicate URLs (8 found, 6 unique): https://example.com/a, https://b.org/paper',
    );
    expect(logs).toContain('verify: capped at 5 claims (7 found); 2 lower-ranked claims not checked');
    // pages are picked round-robin across angles; a fetch agent gets the URL as the search returned it
    expect(dispatcher.calls.filter((c) => c.label.startsWith('fetch ')).map((c) => c.label)).toEqual([
      'fetch 1: example.com', 'fetch 2: d.io', 'fetch 3: f.com', 'fetch 4: b.org', 'fetch 5: e.com', 'fetch 6: c.net',
    ]);
    expect(dispatcher.calls.find((c) => c.label === 'fetch 1: example.com')!.prompt).toContain('URL: https://www.Example.com/a/?utm_source=x\n');
    // ranking: importance, then number of sources (alpha: 2 pages beats beta: 1), then first seen
    const verified = dispatcher.calls.filter((c) => c.label.endsWith('verifier 1')).map((c) => /claim: (.*)/.exec(c.prompt)![1]);
    expect(verified).toEqual(['Alpha is true', 'Beta is true', 'Gamma is true', 'Delta is true', 'Epsilon is true']);
    // verifiers are independent: each has its own focus
    const alphaPrompts = dispatcher.calls.filter((c) => c.label.startsWith('claim 1: ')).map((c) => c.prompt);
    expect(new Set(alphaPrompts).size).toBe(3);
    expect(alphaPrompts[0]).toContain('BEGIN UNTRUSTED CLAIM');

    // vote rules
    expect(result.findings).toEqual([
      {
        claim: 'Alpha is true',
        confidence: 'high',
        sources: ['https://d.io/blog', 'https://b.org/paper', 'https://check.example/1', 'https://check.example/2', 'https://check.example/3'],
        evidence: ['the page says: Alpha is true', 'the page says: alpha is TRUE.'],
        vote: { supported: 3, refuted: 0, unclear: 0, failed: 0 },
      },
      {
        // 2 supported + 1 failed verifier: confirmed, medium confidence
        claim: 'Beta is true',
        confidence: 'medium',
        sources: ['https://example.com/a', 'https://check.example/1', 'https://check.example/2'],
        evidence: ['the page says: Beta is true'],
        vote: { supported: 2, refuted: 0, unclear: 0, failed: 1 },
      },
    ]);
    expect(result.refuted).toEqual([
      {
        claim: 'Gamma is true',
        sources: ['https://f.com/post'],
        evidence: ['the page says: Gamma is true'],
        vote: { supported: 1, refuted: 2, unclear: 0, failed: 0 },
        reasons: ['verifier 1 says refuted', 'verifier 3 says refuted'],
      },
    ]);
    expect(result.unverified.map((u: any) => [u.claim, u.vote, u.reason])).toEqual([
      ['Delta is true', { supported: 1, refuted: 1, unclear: 1, failed: 0 }, 'the verifiers disagreed'],
      ['Epsilon is true', { supported: 0, refuted: 0, unclear: 0, failed: 3 }, 'too few verifiers answered'],
    ]);
    expect(logs).toContain('verify: 4 verifiers failed; a failed verifier counts as neither support nor refutation');

    // synthesis sees only confirmed findings as facts, with numbered sources
    const synth = dispatcher.calls.find((c) => c.label === 'synthesise')!;
    expect(synth.prompt).toContain('F1 (confidence high): Alpha is true [1][2][3][4][5]');
    expect(synth.prompt).toContain('F2 (confidence medium): Beta is true [6][3][4]');
    expect(synth.prompt).toContain('- refuted: Gamma is true');
    expect(result.summary).toBe('Alpha holds [1], and beta too [3].');
    expect(result.caveats).toEqual(['few sources']);
    expect(result.openQuestions).toEqual(['what about gamma?']);
    // numbered in citation order: confirmed findings first, then refuted and unverified claims
    expect(result.sources).toEqual([
      'https://d.io/blog', 'https://b.org/paper', 'https://check.example/1', 'https://check.example/2', 'https://check.example/3',
      'https://example.com/a', 'https://f.com/post', 'https://e.com/x?id=1',
    ]);

    const report: string = result.report;
    expect(report).toContain('# Deep research: Is alpha true?');
    expect(report).toContain('Depth: quick · 2 confirmed findings · 1 refuted · 2 unverified');
    expect(report).toContain('## Summary\n\nAlpha holds [1], and beta too [3].');
    expect(report).toContain('1. Alpha is true [1][2][3][4][5] (confidence: **high**; 3 of 3 verifiers supported it)');
    expect(report).toContain('2. Beta is true [6][3][4] (confidence: **medium**; 2 of 3 verifiers supported it)');
    expect(report).toContain('## Refuted claims');
    expect(report).toContain('- Gamma is true [7] (1 supported, 2 refuted, 0 unclear): verifier 1 says refuted');
    expect(report).toContain('- Delta is true [2] (1 supported, 1 refuted, 1 unclear; the verifiers disagreed)');
    expect(report).toContain('- Epsilon is true [8] (0 supported, 0 refuted, 0 unclear, 3 failed; too few verifiers answered)');
    expect(report).toContain('## Caveats\n\n- few sources');
    expect(report).toContain('## Open questions\n\n- what about gamma?');
    expect(report).toContain('## Sources\n\n1. https://d.io/blog\n2. https://b.org/paper');
    expect(report).toContain('## Stats');
  });

  test('deep-research: standard main path: 4 of 5 angles, fetch cap 12 logged, 10 claims verified', async () => {
    const byAngle = [1, 2, 3, 4, 5].map((a) => [1, 2, 3, 4].map((n) => `https://site${a}-${n}.com/page`));
    const byHost: Record<string, ReturnType<typeof claim>[]> = {};
    byAngle.flat().forEach((url, i) => {
      byHost[url.slice(8, url.indexOf('/page'))] = [claim(`Fact${i + 1} holds`, 5 - (i % 5))];
    });
    const { summary, logs, dispatcher } = await run({ question: 'What holds?' }, [
      scope(5),
      ...searches(byAngle),
      pages(byHost),
      ...verdicts({}),
      synthesis,
    ]);
    expect(summary.status).toBe('completed');
    expect(phaseCounts(summary)).toEqual({ Scope: 1, Research: 4 + 12, Verify: 10 * 3, Synthesise: 1 });
    const result = summary.result as any;
    expect(result.stats).toEqual({
      angles: 4, searches: 4, urls: 16, duplicatesDropped: 0, fetched: 12, notFetched: 4,
      claims: 12, verified: 10, agents: 48, failedAgents: 0,
    });
    expect(dispatcher.calls.some((c) => c.label === 'angle 5: search')).toBe(false);
    expect(logs).toContain(
      'research: fetch cap of 12 pages (standard) reached: 4 URLs not read: ' +
        'https://site1-4.com/page, https://site2-4.com/page, https://site3-4.com/page, https://site4-4.com/page',
    );
    expect(logs).toContain('verify: capped at 10 claims (12 found); 2 lower-ranked claims not checked');
    expect(result.findings).toHaveLength(10);
    expect(result.findings.every((f: any) => f.confidence === 'high')).toBe(true);
    expect(result.report).toContain('Depth: standard · 10 confirmed findings · 0 refuted · 0 unverified');
    expect(result.report).toContain('not read because of the fetch cap: 4');
  });

  test('deep-research: URL normalisation and cross-angle de-duplication (first occurrence wins)', async () => {
    const { summary, logs, dispatcher } = await run({ question: 'Q?', depth: 'quick' }, [
      scope(3),
      ...searches([
        [
          'https://www.example.com/page/',
          'HTTPS://Example.COM/page#section',
          'https://example.com/page?utm_source=news&utm_medium=email',
          'https://example.com/page?id=2&utm_campaign=z',
          'ftp://example.com/file',
        ],
        ['https://example.com/page?fbclid=123', 'http://www.example.com:80/page', 'https://example.com/page/?id=2#x'],
        ['https://example.com/page/?gclid=9', 'https://example.com/Page', 'https://example.com:443/page'],
      ]),
      {
        when: (r) => r.label.startsWith('fetch '),
        reply: (r: AgentRequest) => ({ claims: [claim(`Claim from ${/URL: (\S+)/.exec(r.prompt)![1]}`, 3)] }),
      },
      ...verdicts({}),
    ]);
    expect(summary.status).toBe('completed');
    const result = summary.result as any;
    expect(result.stats.urls).toBe(4);
    expect(result.stats.duplicatesDropped).toBe(6);
    expect(logs).toContain('angle 1: dropped 1 result without a usable http(s) URL');
    expect(logs).toContain(
      'research: dropped 6 duplicate URLs (10 found, 4 unique): https://example.com/page, https://example.com/page?id=2',
    );
    // the first occurrence's URL (minus its fragment) is what gets fetched
    const fetched = dispatcher.calls.filter((c) => c.label.startsWith('fetch ')).map((c) => /URL: (\S+)/.exec(c.prompt)![1]);
    expect(fetched).toEqual([
      'https://www.example.com/page/',
      'http://www.example.com:80/page',
      'https://example.com/Page',
      'https://example.com/page?id=2&utm_campaign=z',
    ]);
    expect(new Set(result.findings.flatMap((f: any) => f.sources.filter((s: string) => !s.startsWith('https://check'))))).toEqual(
      new Set(['https://example.com/page', 'http://example.com/page', 'https://example.com/Page', 'https://example.com/page?id=2']),
    );
    expect(phaseCounts(summary)).toEqual({ Scope: 1, Research: 3 + 4, Verify: 4 * 3, Synthesise: 1 });
  });

  test('deep-research: most search agents report no web access: stop early and say how to enable web search', async () => {
    // angle 1 fails (not counted), angles 2 and 3 answer and both report no web access
    const { summary, logs } = await run('Is alpha true?', [scope(3), ...searches([null, 'noweb', 'noweb'])]);
    expect(summary.status).toBe('completed');
    expect(phaseCounts(summary)).toEqual({ Scope: 1, Research: 3 });
    const result = summary.result as any;
    expect(result.findings).toEqual([]);
    expect(result.stats).toMatchObject({ angles: 3, searches: 2, urls: 0, fetched: 0, agents: 4, failedAgents: 1 });
    expect(logs).toContain('research: 2 of 2 search agents report no web access; stopping before reading any page');
    expect(logs).toContain('research: 1 search agent failed and was dropped (angles 1)');
    const report: string = result.report;
    expect(report).toContain('the agents have no web access');
    for (const hint of ['TAVILY_API_KEY', 'BRAVE_API_KEY', 'SEARXNG_URL', '--model claude-code/sonnet', 'wf doctor']) {
      expect(report).toContain(hint);
    }
  });

  test('deep-research: a minority without web access is ignored and logged; the run goes on', async () => {
    const { summary, logs } = await run({ question: 'Q?', depth: 'quick' }, [
      scope(3),
      ...searches(['noweb', ['https://a.com/1'], ['https://b.com/1']]),
      pages({ 'a.com': [claim('Alpha is true', 3)], 'b.com': [claim('Beta is true', 3)] }),
      ...verdicts({}),
    ]);
    expect(phaseCounts(summary)).toEqual({ Scope: 1, Research: 3 + 2, Verify: 6, Synthesise: 1 });
    expect(logs).toContain('research: 1 search agent (angles 1) reported no web access');
    expect((summary.result as any).findings).toHaveLength(2);
  });

  test('deep-research: no question: a usage report and no agents', async () => {
    for (const args of [undefined, null, '', '   ', { question: '' }, { depth: 'quick' }, 42]) {
      const { summary, logs } = await run(args);
      expect(summary.status).toBe('completed');
      expect(summary.agentCount).toBe(0);
      const result = summary.result as any;
      expect(result.report).toContain('Nothing was researched: no question given.');
      expect(result.report).toContain('wf run deep-research "');
      expect(result.stats.agents).toBe(0);
      expect(logs).toContain('deep-research: no question given; nothing to research');
    }
    const { summary } = await run({ question: 'Q?', depth: 'huge' });
    expect(summary.agentCount).toBe(0);
    expect((summary.result as any).report).toContain('unknown depth "huge"; use quick, standard or deep');
  });

  test('deep-research: a failing fetch agent is dropped and logged; the rest of the run goes on', async () => {
    const { summary, logs } = await run(
      { question: 'Is alpha true?', depth: 'quick' },
      quickRules([{ when: (r) => r.label === 'fetch 4: b.org', fail: 'fetch timed out' }]),
    );
    expect(summary.status).toBe('completed');
    expect(phaseCounts(summary)).toEqual({ Scope: 1, Research: 9, Verify: 15, Synthesise: 1 });
    expect(logs).toContain('research: fetch 4 (https://b.org/paper) failed; page dropped');
    const result = summary.result as any;
    expect(result.stats).toMatchObject({ fetched: 5, claims: 6, verified: 5 });
    // alpha now has one source only, so beta (first seen, same importance) ranks above it; delta is gone,
    // so zeta moves up into the 5 verified claims (unscripted verifiers support it)
    expect(result.findings.map((f: any) => f.claim)).toEqual(['Beta is true', 'Alpha is true', 'Zeta is minor']);
    expect(result.findings[1].sources.filter((s: string) => !s.startsWith('https://check'))).toEqual(['https://d.io/blog']);
    expect(result.report).toContain('research: fetch 4 (https://b.org/paper) failed; page dropped');
  });

  test('deep-research: all verifiers failing leave claims unverified, never refuted; synthesis is skipped', async () => {
    const { summary, logs } = await run({ question: 'Is alpha true?', depth: 'quick' }, [
      scope(3),
      ...searches(QUICK_SEARCHES),
      pages(QUICK_PAGES),
      ...verdicts({}, 'fail'),
    ]);
    expect(summary.status).toBe('completed');
    expect(phaseCounts(summary)).toEqual({ Scope: 1, Research: 9, Verify: 15 });
    const result = summary.result as any;
    expect(result.findings).toEqual([]);
    expect(result.refuted).toEqual([]);
    expect(result.unverified).toHaveLength(5);
    expect(result.unverified.every((u: any) => u.vote.failed === 3 && u.reason === 'too few verifiers answered')).toBe(true);
    expect(logs).toContain('synthesise: skipped, because no claim was confirmed');
    expect(result.report).toContain('No claim survived verification: of the 5 claims checked, 0 were refuted and 5 could not be verified');
    expect(result.report).toContain('## Unverified claims');
  });

  test('deep-research: no claim confirmed because all are refuted: no synthesis agent, refuted claims listed', async () => {
    const { summary } = await run({ question: 'Q?', depth: 'quick' }, [
      scope(3),
      ...searches([['https://a.com/1'], [], []]),
      pages({ 'a.com': [claim('Alpha is true', 3)] }),
      ...verdicts({}, 'refuted'),
    ]);
    expect(phaseCounts(summary)).toEqual({ Scope: 1, Research: 4, Verify: 3 });
    const result = summary.result as any;
    expect(result.refuted.map((r: any) => r.claim)).toEqual(['Alpha is true']);
    expect(result.report).toContain('1 was refuted and 0 could not be verified');
    expect(result.report).toContain('- Alpha is true [1] (0 supported, 3 refuted, 0 unclear): verifier 1 says refuted');
  });

  test('deep-research: the scope agent fails (also after invalid answers): report and log, nothing searched', async () => {
    for (const rule of [
      { when: (r: AgentRequest) => r.label === 'scope', fail: 'model overloaded' },
      { when: (r: AgentRequest) => r.label === 'scope', reply: { angles: [] } }, // never valid: agent() throws
    ] as MockRule[]) {
      const { summary, logs } = await run('Is alpha true?', [rule]);
      expect(summary.status).toBe('completed');
      expect(phaseCounts(summary)).toEqual({ Scope: 1 });
      const result = summary.result as any;
      expect(result.report).toContain('**Stopped early:** the scoping agent failed');
      expect(result.stats.failedAgents).toBe(1);
      expect(logs).toContain('scope: the scoping agent failed; nothing was searched');
    }
  });

  test('deep-research: the searches find nothing: report and log, no fetch', async () => {
    const { summary, logs } = await run('Q?', [scope(3), ...searches([[], null, ['not a url']])]);
    expect(phaseCounts(summary)).toEqual({ Scope: 1, Research: 3 });
    expect(logs).toContain('research: the searches found no results');
    expect((summary.result as any).report).toContain('the searches found no usable results');
  });

  test('deep-research: no claims extracted: report and log, no verifiers', async () => {
    const { summary, logs } = await run({ question: 'Q?', depth: 'quick' }, [
      scope(3),
      ...searches([['https://a.com/1'], ['https://b.com/1'], []]),
      pages({}),
    ]);
    expect(phaseCounts(summary)).toEqual({ Scope: 1, Research: 5 });
    expect(logs).toContain('research: 2 pages gave no claims (unreadable or irrelevant)');
    expect(logs).toContain('research: no claims were extracted');
    expect((summary.result as any).report).toContain('no claims could be extracted from the 2 pages read');
  });

  test('deep-research: a failing synthesis agent still gives the confirmed findings', async () => {
    const { summary, logs } = await run(
      { question: 'Is alpha true?', depth: 'quick' },
      quickRules([{ when: (r) => r.label === 'synthesise', fail: 'overloaded' }]),
    );
    expect(summary.status).toBe('completed');
    const result = summary.result as any;
    expect(result.findings.map((f: any) => f.claim)).toEqual(['Alpha is true', 'Beta is true']);
    expect(result.summary).toContain('The synthesis agent failed');
    expect(logs).toContain('synthesise: the synthesis agent failed; the confirmed findings are listed without a written summary');
  });
});
