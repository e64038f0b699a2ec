/**
 * Source maps from generated code back to the user's file: rebasing esbuild's map past the wrapper,
 * mapping one position, and rewriting the frames of a runtime stack. Does not produce the code.
 * Spec: F5 (errors cite the user's file:line:col), F20 (runtime errors cite the body's line).
 */
import { SourceMap, type SourceMapPayload } from 'node:module';
import type { SourceLocation } from '../errors.js';
import { GENERATED_FILENAME, type CompiledWorkflow } from './compiled-workflow.js';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) BASE64_VALUE[BASE64.charCodeAt(i)] = i;

/** Most deltas are small: their encodings are precomputed. */
const SMALL_VLQ = Array.from({ length: 2048 }, (_, i) => encodeVlqSlow(i - 1024));

function encodeVlq(value: number): string {
  return value >= -1024 && value < 1024 ? SMALL_VLQ[value + 1024]! : encodeVlqSlow(value);
}

function encodeVlqSlow(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = '';
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest > 0) digit |= 32;
    out += BASE64[digit];
  } while (rest > 0);
  return out;
}

/**
 * Rewrites `mappings` in one pass: `adjust` receives each decoded segment (generated column,
 * source, original line, original column) and returns the original column to keep, or undefined to
 * make the segment unmapped. Names are dropped.
 */
function rewriteMappings(mappings: string, adjust: (source: number, line: number, column: number) => number | undefined): string {
  const input = [0, 0, 0, 0, 0];
  const output = [0, 0, 0, 0];
  const fields = [0, 0, 0, 0, 0];
  let out = '';
  let segmentStart = true;
  let field = 0;
  let value = 0;
  let shift = 0;
  const flush = () => {
    // One decoded segment is complete in `fields[0..field)`.
    for (let f = 0; f < field; f++) input[f] = input[f]! + fields[f]!;
    if (field === 0) return;
    const column = field >= 4 ? adjust(input[1]!, input[2]!, input[3]!) : undefined;
    if (!segmentStart) out += ',';
    out += encodeVlq(input[0]! - output[0]!);
    output[0] = input[0]!;
    if (column !== undefined) {
      out += encodeVlq(input[1]! - output[1]!) + encodeVlq(input[2]! - output[2]!) + encodeVlq(column - output[3]!);
      output[1] = input[1]!;
      output[2] = input[2]!;
      output[3] = column;
    }
    segmentStart = false;
  };
  for (let i = 0; i <= mappings.length; i++) {
    const code = i < mappings.length ? mappings.charCodeAt(i) : 59; /* ';' */
    if (code === 44 /* ',' */ || code === 59) {
      flush();
      field = 0;
      if (code === 59) {
        if (i < mappings.length) out += ';';
        input[0] = 0;
        output[0] = 0;
        segmentStart = true;
      }
      continue;
    }
    const digit = BASE64_VALUE[code]!;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      fields[field++] = value & 1 ? -(value >>> 1) : value >>> 1;
      value = 0;
      shift = 0;
    }
  }
  return out;
}

export interface RebaseOptions {
  /** Characters the wrapper head adds to the user's line 1. */
  headLength: number;
  /** Lines of the user's source: mapped lines at or past this are the wrapper's tail. */
  userLines: number;
  file: string;
  source: string;
}

/**
 * esbuild maps into the wrapped source; this makes the map point into the user's file: line 1
 * loses the head's columns, and every segment inside the head or tail becomes unmapped, so that
 * wrapper and helper positions map to nothing rather than to a neighbouring user line.
 */
export function rebaseSourceMap(mapText: string, options: RebaseOptions): string {
  const map = JSON.parse(mapText) as SourceMapPayload;
  const mappings = rewriteMappings(map.mappings, (source, line, column) => {
    const rebased = line === 0 ? column - options.headLength : column;
    return source !== 0 || line >= options.userLines || rebased < 0 ? undefined : rebased;
  });
  return JSON.stringify({
    version: 3,
    file: GENERATED_FILENAME,
    sources: [options.file],
    sourcesContent: [options.source],
    names: [],
    mappings,
  });
}

const parsedByObject = new WeakMap<object, SourceMap>();
const parsedByText = new Map<string, SourceMap>();
const TEXT_CACHE_SIZE = 32;

/** Parsed once per compiled workflow (by object, else by map text, for copies that crossed a wall). */
function sourceMapOf(compiled: Pick<CompiledWorkflow, 'sourceMap'>): SourceMap {
  let map = parsedByObject.get(compiled) ?? parsedByText.get(compiled.sourceMap);
  if (!map) {
    map = new SourceMap(JSON.parse(compiled.sourceMap) as SourceMapPayload);
    if (parsedByText.size >= TEXT_CACHE_SIZE) parsedByText.delete(parsedByText.keys().next().value!);
    parsedByText.set(compiled.sourceMap, map);
  }
  parsedByObject.set(compiled, map);
  return map;
}

/** 0-based generated position → 0-based original line/column, or undefined when unmapped. */
export function lookup(map: SourceMap, line: number, column: number): { line: number; column: number } | undefined {
  const entry = map.findEntry(line, column) as { generatedLine?: number; originalLine?: number; originalColumn?: number };
  // findEntry falls back to the nearest earlier line; a position on an unmapped line is not user code.
  if (entry.generatedLine !== line || entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
  return { line: entry.originalLine, column: entry.originalColumn };
}

/** Generated position (1-based line and column, as in V8 stacks) → the user's file:line:col. */
export function mapPosition(
  line: number,
  column: number,
  compiled: Pick<CompiledWorkflow, 'file' | 'sourceMap'>,
): SourceLocation | undefined {
  const found = lookup(sourceMapOf(compiled), line - 1, column - 1);
  return found && { file: compiled.file, line: found.line + 1, column: found.column + 1 };
}

const FRAME_POSITION = new RegExp(`${GENERATED_FILENAME.replace(/[.]/g, '\\.')}:(\\d+):(\\d+)`, 'g');
const STACK_FRAME = /^\s*at\s/;

/**
 * Rewrites every `workflow.gen.js:L:C` in a V8 stack to `file:line:col`. Frames that point into
 * the wrapper or esbuild's helpers are dropped; other lines are kept as they are.
 */
export function mapStack(stack: string, compiled: Pick<CompiledWorkflow, 'file' | 'sourceMap'>): string {
  const out: string[] = [];
  for (const line of stack.split('\n')) {
    let unmapped = false;
    const mapped = line.replace(FRAME_POSITION, (all, l: string, c: string) => {
      const location = mapPosition(Number(l), Number(c), compiled);
      if (!location) {
        unmapped = true;
        return all;
      }
      return `${location.file}:${location.line}:${location.column}`;
    });
    if (unmapped && STACK_FRAME.test(line)) continue;
    out.push(mapped);
  }
  return out.join('\n');
}
