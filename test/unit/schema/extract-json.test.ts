import { describe, expect, it } from 'vitest';
import { extractJson } from '../../../src/schema/index.js';

describe('extractJson', () => {
  it('A05 accepts a fenced json block, even on one line', () => {
    expect(extractJson('Here you go:\n```json\n{"files":["x.ts"]}\n```\n')).toEqual({ files: ['x.ts'] });
    expect(extractJson('```json {"files":["x.ts"]} ```')).toEqual({ files: ['x.ts'] });
  });

  it('A05 takes the last fenced block that parses', () => {
    const text = [
      'Example:',
      '```json\n{"files":["example.ts"]}\n```',
      'Final:',
      '```json\n{"files":["final.ts"]}\n```',
      'Oops:',
      '```json\n{"files": [broken\n```',
    ].join('\n');
    expect(extractJson(text)).toEqual({ files: ['final.ts'] });
  });

  it('A05 accepts bare fences and ignores other languages', () => {
    expect(extractJson('```\n{"a":1}\n```')).toEqual({ a: 1 });
    expect(extractJson('```JSON\n{"a":2}\n```')).toEqual({ a: 2 });
    expect(extractJson('```ts\nconst x = {"a":3}\n```')).toEqual({ a: 3 }); // found by the brace scan, not as a block
    expect(extractJson('```json\n{"a":1}\n```\n```ts\n{"b":2}\n```')).toEqual({ a: 1 });
  });

  it('A05 falls back to the last balanced object in the text', () => {
    expect(extractJson('I think {"a":1} or better {"a":2}. Done.')).toEqual({ a: 2 });
    expect(extractJson('Result: {"outer": {"inner": [1, {"deep": true}]}} end')).toEqual({ outer: { inner: [1, { deep: true }] } });
  });

  it('A05 braces inside strings do not count, escapes included', () => {
    expect(extractJson('x {"code": "if (a) { b(); }", "q": "say \\"}\\" now"} y')).toEqual({
      code: 'if (a) { b(); }',
      q: 'say "}" now',
    });
    expect(extractJson('{"path": "C:\\\\dir\\\\"} tail')).toEqual({ path: 'C:\\dir\\' });
  });

  it('A05 survives unbalanced prose braces and prose wrapped around JSON', () => {
    expect(extractJson('a stray { brace, then {"ok": true}')).toEqual({ ok: true });
    expect(extractJson('{"ok": 1} then a stray } brace')).toEqual({ ok: 1 });
    expect(extractJson('{note: the answer is {"ok": 2} as requested}')).toEqual({ ok: 2 });
    expect(extractJson('He said "hi}" and {"ok": 3}')).toEqual({ ok: 3 }); // quotes outside objects are prose
  });

  it('A05 prefers a fenced block over a later bare object', () => {
    expect(extractJson('```json\n{"a":1}\n```\nalso {"b":2}')).toEqual({ a: 1 });
  });

  it('returns undefined when there is no JSON', () => {
    expect(extractJson('')).toBeUndefined();
    expect(extractJson('no json here')).toBeUndefined();
    expect(extractJson('{not json}')).toBeUndefined();
    expect(extractJson('```json\nnope\n```')).toBeUndefined();
  });

  it('stays fast on large and pathological input', () => {
    const noise = '{x} '.repeat(20_000) + '{'.repeat(20_000) + ' {"last": true}';
    const started = Date.now();
    expect(extractJson(noise)).toEqual({ last: true });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
