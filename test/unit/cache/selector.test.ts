/**
 * Step selectors for `--refresh`, `--from` and `wf cache rm` (spec C3): parsing, matching and the
 * words used in messages.
 */
import { describe, expect, test } from 'vitest';
import { describeSelector, matchesStep, parseStepSelector } from '../../../src/cache/selector.js';
import { WfUsageError } from '../../../src/errors.js';

const step = (label: string, extra: { phase?: string | null; key?: string; index?: number } = {}) => ({
  label,
  phase: extra.phase ?? null,
  ...(extra.key === undefined ? {} : { key: extra.key }),
  ...(extra.index === undefined ? {} : { index: extra.index }),
});

const usageError = (text: string, options?: { allowIndex?: boolean }): WfUsageError => {
  try {
    parseStepSelector(text, options);
  } catch (error) {
    if (WfUsageError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
};

describe('C3 step selectors', () => {
  test('C3 phase:<name> selects by exact phase name', () => {
    const selector = parseStepSelector('phase:Verify');
    expect(selector).toEqual({ kind: 'phase', name: 'Verify' });
    expect(matchesStep(selector, step('a', { phase: 'Verify' }))).toBe(true);
    expect(matchesStep(selector, step('a', { phase: 'verify' }))).toBe(false);
    expect(matchesStep(selector, step('a', { phase: 'Verify all' }))).toBe(false);
    expect(matchesStep(selector, step('a'))).toBe(false);
    expect(parseStepSelector('phase:a:b*')).toEqual({ kind: 'phase', name: 'a:b*' });
  });

  test('C3 key:<prefix> and bare s1:<hex> select by key prefix, normalised to s1:', () => {
    expect(parseStepSelector('key:abcd')).toEqual({ kind: 'key', prefix: 's1:abcd' });
    expect(parseStepSelector('key:s1:abcd')).toEqual({ kind: 'key', prefix: 's1:abcd' });
    expect(parseStepSelector('key:ABCD12')).toEqual({ kind: 'key', prefix: 's1:abcd12' });
    expect(parseStepSelector('s1:0123abcd')).toEqual({ kind: 'key', prefix: 's1:0123abcd' });
    const selector = parseStepSelector('key:ab12');
    expect(matchesStep(selector, step('x', { key: `s1:ab12${'0'.repeat(60)}` }))).toBe(true);
    expect(matchesStep(selector, step('x', { key: `s1:ab13${'0'.repeat(60)}` }))).toBe(false);
    expect(matchesStep(selector, step('x'))).toBe(false);
  });

  test('C3 a key prefix must be at least 4 hex digits', () => {
    expect(usageError('key:abc').message).toMatch(/4 to 64 hex/);
    expect(usageError('key:xyz12').code).toBe('WF_USAGE');
    expect(usageError('key:').code).toBe('WF_USAGE');
    expect(usageError(`key:${'a'.repeat(65)}`).code).toBe('WF_USAGE');
    // Not hex enough for a bare key: it is a label glob instead.
    expect(parseStepSelector('s1:abc').kind).toBe('label');
  });

  test('C3 digits are a call number only with allowIndex', () => {
    expect(parseStepSelector('3', { allowIndex: true })).toEqual({ kind: 'index', index: 3 });
    expect(matchesStep(parseStepSelector('3', { allowIndex: true }), step('x', { index: 3 }))).toBe(true);
    expect(matchesStep(parseStepSelector('3', { allowIndex: true }), step('x', { index: 4 }))).toBe(false);
    expect(matchesStep(parseStepSelector('3', { allowIndex: true }), step('x'))).toBe(false);
    const label = parseStepSelector('3');
    expect(label.kind).toBe('label');
    expect(matchesStep(label, step('3'))).toBe(true);
  });

  test('C3 a label glob: * matches any run including / and :, ? one character, whole label only', () => {
    const selector = parseStepSelector('review:*');
    expect(selector.kind).toBe('label');
    expect(matchesStep(selector, step('review:src/a.ts'))).toBe(true);
    expect(matchesStep(selector, step('review:'))).toBe(true);
    expect(matchesStep(selector, step('pre-review:a'))).toBe(false);
    expect(matchesStep(selector, step('review'))).toBe(false);
    expect(matchesStep(parseStepSelector('*:a/b'), step('x:y:a/b'))).toBe(true);
    expect(matchesStep(parseStepSelector('fix ?'), step('fix 1'))).toBe(true);
    expect(matchesStep(parseStepSelector('fix ?'), step('fix 12'))).toBe(false);
    expect(matchesStep(parseStepSelector('fix ?'), step('fix 🙂'))).toBe(true);
    expect(matchesStep(parseStepSelector('line*'), step('line one\nline two'))).toBe(true);
  });

  test('C3 everything else in a label glob is literal', () => {
    const selector = parseStepSelector('a.b (c) [d] {e} ^$|+\\/');
    expect(matchesStep(selector, step('a.b (c) [d] {e} ^$|+\\/'))).toBe(true);
    expect(matchesStep(selector, step('axb (c) [d] {e} ^$|+\\/'))).toBe(false);
    expect(matchesStep(parseStepSelector('phase'), step('phase'))).toBe(true);
    expect(matchesStep(parseStepSelector('**x**'), step('abxcd'))).toBe(true);
  });

  test('C3 an empty selector is a usage error naming the accepted forms', () => {
    for (const text of ['', '   ']) {
      const error = usageError(text);
      expect(error.code).toBe('WF_USAGE');
      expect(error.message).toMatch(/phase:<name>/);
      expect(error.message).toMatch(/key:<hex prefix>/);
      expect(error.message).toMatch(/label glob/);
    }
    expect(usageError('', { allowIndex: true }).message).toMatch(/call number/);
    expect(usageError('phase:').message).toMatch(/empty phase/);
  });

  test('C3 describeSelector words selectors for messages', () => {
    expect(describeSelector(parseStepSelector('review:*'))).toBe('label "review:*"');
    expect(describeSelector(parseStepSelector('phase:Verify'))).toBe('phase "Verify"');
    expect(describeSelector(parseStepSelector('key:ab12'))).toBe('key s1:ab12…');
    expect(describeSelector(parseStepSelector('3', { allowIndex: true }))).toBe('call #3');
  });
});
