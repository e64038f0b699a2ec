/**
 * Why a step missed (spec C5): the field-level difference between a call's spec and the closest
 * spec that was cached. It compares the same StepSpec objects key.ts hashes, so an explanation
 * can never drift from what the cache actually does.
 */
import { canonicalJson } from './canonical-json.js';
import type { StepSpec } from './key.js';

/** One spec field that differs, with a human-readable detail. */
export interface SpecDifference {
  field: string;
  detail: string;
}

/** A cached call that a miss can be compared with. */
export interface SpecCandidate {
  spec: StepSpec;
  label: string;
  index: number;
  runId: string;
  workflow?: string;
  /** Output tokens the cached call used, for estimating a live re-run. */
  outputTokens?: number;
}

const SNIPPET = 24;

/** Fields of `now` that differ from `before`, in the order a reader cares about. */
export function diffSpecs(before: StepSpec, now: StepSpec): SpecDifference[] {
  const differences: SpecDifference[] = [];
  if (before.prompt !== now.prompt) differences.push({ field: 'prompt', detail: describePromptChange(before.prompt, now.prompt) });
  if (before.model.id !== now.model.id) differences.push({ field: 'model', detail: `${before.model.id} → ${now.model.id}` });
  const plain: Array<[keyof StepSpec, string]> = [
    ['schema', 'schema'],
    ['agentType', 'agentType'],
    ['effort', 'effort'],
    ['isolation', 'isolation'],
    ['maxToolCalls', 'max_tool_calls'],
    ['tools', 'tools'],
    ['system', 'system prompt'],
    ['salt', 'cache.key'],
    ['harness', 'harness'],
    ['ns', 'namespace'],
  ];
  if (!same(before.model.params, now.model.params)) differences.push({ field: 'model.params', detail: `${show(before.model.params)} → ${show(now.model.params)}` });
  for (const [field, name] of plain) {
    if (same(before[field], now[field])) continue;
    differences.push({ field: name, detail: changeDetail(before[field], now[field]) });
  }
  if (!same(before.reads?.workspace, now.reads?.workspace)) {
    differences.push({
      field: 'workspace',
      detail: before.reads?.workspace === undefined || now.reads?.workspace === undefined ? 'now reads the workspace' : 'the workspace changed since (commits or uncommitted edits)',
    });
  }
  if (!same(before.reads?.files, now.reads?.files)) differences.push({ field: 'reads.files', detail: 'a file it reads changed, or the list of files did' });
  if (before.sample !== now.sample) {
    differences.push({ field: 'occurrence', detail: `it is identical call number ${now.sample + 1} now, ${before.sample + 1} then (an identical call was added or removed before it)` });
  }
  if (before.v !== now.v) differences.push({ field: 'key version', detail: `${before.v} → ${now.v}` });
  return differences;
}

/**
 * The candidate most like `spec`. A shared label weighs most (4); then the share of the prompt
 * both start with (up to 2) and being the same call of the same workflow (1), so an edited
 * prompt is compared with its old self. Undefined when nothing is alike enough to compare.
 */
export function closestCandidate(
  spec: StepSpec,
  call: { label: string; index: number; workflow?: string },
  candidates: readonly SpecCandidate[],
): SpecCandidate | undefined {
  let best: SpecCandidate | undefined;
  let bestScore = 0;
  let bestDifferences = Infinity;
  for (const candidate of candidates) {
    const similarity = commonPrefix(candidate.spec.prompt, spec.prompt) / Math.max(1, Math.max(candidate.spec.prompt.length, spec.prompt.length));
    let score = similarity * 2;
    if (candidate.label === call.label) score += 4;
    if (candidate.index === call.index && candidate.workflow !== undefined && candidate.workflow === call.workflow) score += 1;
    if (candidate.spec.sample === spec.sample) score += 0.25;
    if (score < bestScore) continue;
    // On a tie, the candidate with fewer differing fields explains the miss best.
    const differences = score === bestScore ? diffSpecs(candidate.spec, spec).length : -1;
    if (score > bestScore || differences < bestDifferences) {
      best = candidate;
      bestScore = score;
      bestDifferences = differences === -1 ? diffSpecs(candidate.spec, spec).length : differences;
    }
  }
  return bestScore >= 1 ? best : undefined;
}

/** "differs at character 41: …was "ab" → now "ac"…". */
function describePromptChange(before: string, now: string): string {
  const at = commonPrefix(before, now);
  const was = before.slice(at, at + SNIPPET);
  const is = now.slice(at, at + SNIPPET);
  const more = (text: string, start: number) => (text.length > start + SNIPPET ? '…' : '');
  return `differs from character ${at + 1}: ${JSON.stringify(was)}${more(before, at)} → ${JSON.stringify(is)}${more(now, at)}`;
}

function changeDetail(before: unknown, now: unknown): string {
  if (before === undefined) return `added (${show(now)})`;
  if (now === undefined) return `removed (was ${show(before)})`;
  return `${show(before)} → ${show(now)}`;
}

function show(value: unknown): string {
  if (value === undefined) return 'none';
  const text = typeof value === 'string' ? value : canonicalJson(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}

function commonPrefix(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  let index = 0;
  while (index < length && a.charCodeAt(index) === b.charCodeAt(index)) index += 1;
  return index;
}
