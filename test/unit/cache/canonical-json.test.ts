import { describe, expect, test } from 'vitest';
import { canonicalJson, sha256Hex } from '../../../src/cache/canonical-json.js';
import { CacheKeyError } from '../../../src/cache/errors.js';

function rejection(value: unknown): CacheKeyError {
  try {
    canonicalJson(value);
  } catch (error) {
    expect(CacheKeyError.isInstance(error)).toBe(true);
    expect((error as CacheKeyError).code).toBe('WF_CACHE_KEY');
    return error as CacheKeyError;
  }
  throw new Error('expected canonicalJson to throw');
}

describe('canonicalJson', () => {
  test('C1 canonical JSON sorts keys at every level, with no whitespace', () => {
    const value = { b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: { c: 'x', d: [{ y: 2, z: 1 }] }, b: 1 })).toBe(canonicalJson(value));
  });

  test('C1 arrays keep their order', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson({ list: ['b', 'a'] })).not.toBe(canonicalJson({ list: ['a', 'b'] }));
  });

  test('C1 keys sort by UTF-16 code units, integer-like keys as strings', () => {
    // "10" < "9" as strings; U+00E9 (é) sorts after "z"; the astral U+1F600 (a surrogate pair, 0xD83D…)
    // sorts before U+FF5E (～) by code unit although its code point is larger.
    const value = { z: 1, é: 2, '9': 3, '10': 4, '\u{1F600}': 5, '\uFF5E': 6, A: 7 };
    expect(canonicalJson(value)).toBe('{"10":4,"9":3,"A":7,"z":1,"é":2,"\u{1F600}":5,"\uFF5E":6}');
  });

  test('C1 numbers and strings are written as JSON.stringify writes them', () => {
    expect(canonicalJson([1e21, 0.1, -0, 1.5e-7, 100, 'a"b\\c\n\u0001'])).toBe(JSON.stringify([1e21, 0.1, 0, 1.5e-7, 100, 'a"b\\c\n\u0001']));
    expect(canonicalJson([true, false, null])).toBe('[true,false,null]');
    expect(canonicalJson('x')).toBe('"x"');
  });

  test('C1 {a: undefined} equals {} (an undefined property is omitted)', () => {
    expect(canonicalJson({ a: undefined })).toBe('{}');
    expect(canonicalJson({ model: undefined, prompt: 'p' })).toBe(canonicalJson({ prompt: 'p' }));
    expect(canonicalJson({ nested: { a: undefined, b: 1 } })).toBe('{"nested":{"b":1}}');
  });

  test('C1 a "__proto__" key survives, and null-prototype objects are plain', () => {
    const parsed: unknown = JSON.parse('{"b":1,"__proto__":{"x":1}}');
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":1},"b":1}');
    const bare = Object.create(null) as Record<string, unknown>;
    bare.k = 'v';
    expect(canonicalJson(bare)).toBe('{"k":"v"}');
  });

  test('C1 shared (non-cyclic) references are fine', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared, shared] })).toBe('{"a":{"x":1},"b":[{"x":1},{"x":1}]}');
  });

  class Point {
    constructor(readonly x: number) {}
  }
  const cyclic: Record<string, unknown> = { a: { b: {} } };
  (cyclic.a as { b: Record<string, unknown> }).b.back = cyclic;
  const sparse: unknown[] = [1];
  sparse[2] = 3;

  test.each<[string, unknown, string]>([
    ['NaN', { model: { params: { temperature: NaN } } }, 'NaN at $.model.params.temperature'],
    ['Infinity', { n: Infinity }, 'Infinity at $.n'],
    ['-Infinity', [0, -Infinity], '-Infinity at $[1]'],
    ['undefined at the top', undefined, 'undefined at $'],
    ['undefined in an array', { list: [1, undefined] }, 'undefined at $.list[1]'],
    ['a hole in an array', { list: sparse }, 'undefined at $.list[1]'],
    ['a function', { tools: [{ run: () => 1 }] }, 'a function at $.tools[0].run'],
    ['a symbol', { s: Symbol('x') }, 'a symbol at $.s'],
    ['a symbol-keyed property', { o: { [Symbol('k')]: 1 } }, 'a symbol-keyed property at $.o'],
    ['a bigint', { big: 12n }, 'a bigint (12n) at $.big'],
    ['a Date', { when: new Date(0) }, 'an instance of Date at $.when'],
    ['a Map', { m: new Map() }, 'an instance of Map at $.m'],
    ['a Set', { s: new Set([1]) }, 'an instance of Set at $.s'],
    ['a RegExp', { r: /x/ }, 'an instance of RegExp at $.r'],
    ['a typed array', { bytes: new Uint8Array(2) }, 'an instance of Uint8Array at $.bytes'],
    ['a class instance', { p: new Point(1) }, 'an instance of Point at $.p'],
    ['a boxed string', { s: new String('x') }, 'an instance of String at $.s'],
    ['a key that is not an identifier', { 'a b': { 'x-y': NaN } }, 'NaN at $["a b"]["x-y"]'],
    ['a cycle', cyclic, 'a cycle (back to $) at $.a.b.back'],
  ])('C1 rejects %s with its path', (_name, value, expected) => {
    expect(rejection(value).message).toBe(`cannot be part of a cache key: ${expected}`);
  });

  test('C1 sha256Hex is the lowercase hex SHA-256 of the UTF-8 text', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('é')).toMatch(/^[0-9a-f]{64}$/);
  });
});
