/**
 * The shape of one scripted-mock rule, and its checker. Rules come from two places: a user's
 * `--mock` JSON file (dispatch/mock-file.ts) and library code (`new ScriptedDispatcher({ rules })`,
 * `on(rule)`). Both get the same checks, so a typo fails loudly at load time instead of silently
 * never matching.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { AgentRequest, Usage } from '../dispatch/dispatcher.js';

export interface MockRule {
  /** Matches when the prompt contains this text. */
  match?: string;
  /** Matches when this JavaScript regex source (no flags) finds a match in the prompt. */
  regex?: string;
  /**
   * Library only (not in mock files): matches when this returns true for the whole request, for
   * tests that tell calls apart by phase, label, index or schema rather than by prompt.
   */
  when?: (request: AgentRequest) => boolean;
  /**
   * The agent's answer. Text agents get strings as they are and anything else as JSON text;
   * schema agents get the value itself. From library code it may be a function of the request.
   */
  reply?: unknown;
  /** Successive answers: the n-th call this rule answers gets `replies[n]`; the last one repeats. */
  replies?: unknown[];
  /** The agent fails with this message. */
  fail?: string;
  /** The agent ends as stopped (not failed), as if the user had stopped it. */
  stop?: boolean;
  /** The agent does not answer until `release()` is called or its signal aborts. */
  hold?: boolean;
  /** Time to wait before answering; an abort cuts it short. */
  delayMs?: number;
  /**
   * What the agent reports doing while it works (tool calls, text), spread evenly over `delayMs`,
   * with its usage so far reported halfway: for watching a run's progress view without a model.
   */
  activity?: string[];
  /** Overrides fields of the default usage `{ input: 100, output: 10, reasoning: 0 }`. */
  usage?: Partial<Usage>;
  /** The model reported as having served the call (default: the requested one). */
  model?: string;
}

type FieldCheck = (value: unknown) => string | undefined;

const isString: FieldCheck = (value) => (typeof value === 'string' ? undefined : 'must be a string');
const isBoolean: FieldCheck = (value) => (typeof value === 'boolean' ? undefined : 'must be true or false');
const isCount: FieldCheck = (value) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? undefined : 'must be a non-negative number';

const USAGE_FIELDS = ['input', 'output', 'reasoning', 'cacheRead', 'cacheWrite'];

const FIELDS: Record<string, FieldCheck> = {
  match: isString,
  regex: (value) => {
    if (typeof value !== 'string') return 'must be a string';
    try {
      new RegExp(value);
      return undefined;
    } catch (error) {
      return `is not a valid regular expression (${(error as Error).message})`;
    }
  },
  reply: () => undefined,
  replies: (value) => (Array.isArray(value) && value.length > 0 ? undefined : 'must be a non-empty array'),
  fail: isString,
  stop: isBoolean,
  hold: isBoolean,
  delayMs: isCount,
  activity: (value) => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? undefined : 'must be an array of strings'),
  usage: () => undefined, // checked field by field below, for precise messages
  model: isString,
};

const LIBRARY_FIELDS: Record<string, FieldCheck> = {
  when: (value) => (typeof value === 'function' ? undefined : 'must be a function'),
};

/** Answers that exclude each other: a rule says one thing about how the agent ends. */
const OUTCOMES = ['reply', 'replies', 'fail', 'stop'];

export interface MockRuleCheckOptions {
  /** Allow library-only fields (`when`); false for rules read from JSON files. */
  library?: boolean;
}

/**
 * The first problem with a rule, worded for the user: `rules[2].delayMs must be a non-negative
 * number`. `where` names the rule (`rules[2]`). Undefined when the rule is fine.
 */
export function mockRuleProblem(rule: unknown, where: string, options: MockRuleCheckOptions = {}): string | undefined {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return `${where} must be an object`;
  const fields = options.library ? { ...FIELDS, ...LIBRARY_FIELDS } : FIELDS;
  const record = rule as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    const check = fields[key];
    if (!check) return `${where} has unknown key ${JSON.stringify(key)}${suggestion(key, Object.keys(fields))}`;
    if (value === undefined) continue; // `{ delayMs: undefined }` from library code means "not set"
    const problem = check(value);
    if (problem) return `${where}.${key} ${problem}`;
  }
  if (record.usage !== undefined) {
    const usage = record.usage;
    if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) return `${where}.usage must be an object`;
    for (const [key, value] of Object.entries(usage)) {
      if (!USAGE_FIELDS.includes(key)) {
        return `${where}.usage has unknown key ${JSON.stringify(key)}${suggestion(key, USAGE_FIELDS)}`;
      }
      const problem = isCount(value);
      if (problem) return `${where}.usage.${key} ${problem}`;
    }
  }
  const outcomes = OUTCOMES.filter((key) => record[key] !== undefined && record[key] !== false);
  if (outcomes.length > 1) {
    return `${where} sets both ${outcomes[0]} and ${outcomes[1]}; use only one of ${OUTCOMES.join(', ')}`;
  }
  return undefined;
}

function suggestion(key: string, known: string[]): string {
  const near = closest(key, known);
  return distance(key, near) <= 2 ? ` (did you mean ${JSON.stringify(near)}?)` : ` (known keys: ${known.join(', ')})`;
}
