/**
 * Source maps from generated code back to the user's file: rebasing esbuild's map past the wrapper,
 * mapping one position, and rewriting the frames of a runtime stack. Does not produce the code.
 * Spec: F5 (errors cite the user's file:line:col), F20 (runtime errors cite the body's line).
 */
import { SourceMap, type SourceMapPayload } from 'node:module';
import type { SourceLocation } from '../errors.js';
import { GENERATED_FILENAME, type CompiledWorkflow } from './compiled-workflow.js';

type Segment = number[];

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Map([...BASE64].map((char, index) => [char, index]));

function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  const state = [0, 0, 0, 0, 0];
  for (const lineText of mappings.split(';')) {
    const line: Segment[] = [];
    state[0] = 0;
    if (lineText !== '') {
      for (const segmentText of lineText.split(',')) {
        const segment: Segment = [];
        let value = 0;
        let shift = 0;
        for (const char of segmentText) {
          const digit = BASE64_VALUE.get(char)!;
          value += (digit & 31) << shift;
          if (digit & 32) {
            shift += 5;
          } else {
            const field = segment.length;
            const delta = value & 1 ? -(value >>> 1) : value >>> 1;
            state[field] = state[field]! + delta;
            segment.push(state[field]!);
            value = 0;
            shift = 0;
          }
        }
        line.push(segment);
      }
    }
    lines.push(line);
  }
  return lines;
}

function encodeMappings(lines: Segment[][]): string {
  const state = [0, 0, 0, 0, 0];
  const vlq = (value: number) => {
    let rest = value < 0 ? (-value << 1) | 1 : value << 1;
    let out = '';
    do {
      let digit = rest & 31;
      rest >>>= 5;
      if (rest > 0) digit |= 32;
      out += BASE64[digit];
    } while (rest > 0);
    return out;
  };
  return lines
    .map((line) => {
      state[0] = 0;
      return line
        .map((segment) =>
          segment
            .map((value, field) => {
              const delta = value - state[field]!;
              state[field] = value;
              return vlq(delta);
            })
            .join(''),
        )
        .join(',');
    })
    .join(';');
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
  const lines = decodeMappings(map.mappings);
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) {
      const segment = line[i]!;
      if (segment.length < 4) continue;
      const [column, sourceIndex, originalLine] = segment as [number, number, number, number];
      if (originalLine === 0) segment[3]! -= options.headLength;
      if (sourceIndex !== 0 || originalLine >= options.userLines || segment[3]! < 0) line[i] = [column];
      else if (segment.length > 4) segment.length = 4;
    }
  }
  return JSON.stringify({
    version: 3,
    file: GENERATED_FILENAME,
    sources: [options.file],
    sourcesContent: [options.source],
    names: [],
    mappings: encodeMappings(lines),
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
