/**
 * Step selectors: which completed steps `wf run --refresh`, `wf resume --from` and `wf cache rm`
 * act on (spec C3). Parsing and matching only; finding the steps (journal, cache store) is the
 * caller's job.
 */
import { WfUsageError } from '../errors.js';

/** One parsed selector: a label glob, a phase name, a key prefix, or (where allowed) a call number. */
export type StepSelector =
  | { kind: 'label'; glob: string; regex: RegExp }
  | { kind: 'phase'; name: string }
  | { kind: 'key'; prefix: string }
  | { kind: 'index'; index: number };

/** What a selector is matched against: one agent() call of a run, or one cache entry's producer. */
export interface SelectableStep {
  label: string;
  phase: string | null;
  key?: string;
  index?: number;
}

const BARE_KEY = /^s1:[0-9a-f]{4,64}$/;
const HEX_PREFIX = /^[0-9a-f]{4,64}$/;

/**
 * Parses `phase:<name>`, `key:<hex prefix>` (or a bare `s1:<hex>`), a call number (digits only,
 * with `allowIndex`), or else a label glob where `*` matches any run of characters and `?` one.
 * Throws {@link WfUsageError} for an empty selector, an empty phase or a key prefix that is not hex.
 */
export function parseStepSelector(text: string, options: { allowIndex?: boolean } = {}): StepSelector {
  if (text.trim() === '') throw new WfUsageError(`empty step selector: ${acceptedForms(options)}`);
  if (text.startsWith('phase:')) {
    const name = text.slice('phase:'.length);
    if (name === '') throw new WfUsageError(`empty phase name in selector "phase:": ${acceptedForms(options)}`);
    return { kind: 'phase', name };
  }
  if (text.startsWith('key:') || BARE_KEY.test(text)) {
    const raw = (text.startsWith('key:') ? text.slice('key:'.length) : text).toLowerCase();
    const hex = raw.startsWith('s1:') ? raw.slice('s1:'.length) : raw;
    if (!HEX_PREFIX.test(hex)) {
      throw new WfUsageError(`bad key selector ${JSON.stringify(text)}: a key prefix is 4 to 64 hex digits`, {
        hint: 'copy a key from `wf cache ls`, e.g. key:ab12 or s1:ab12',
      });
    }
    return { kind: 'key', prefix: `s1:${hex}` };
  }
  if (options.allowIndex === true && /^[0-9]+$/.test(text)) {
    const index = Number(text);
    if (!Number.isSafeInteger(index)) throw new WfUsageError(`call number ${text} is too large`);
    return { kind: 'index', index };
  }
  return { kind: 'label', glob: text, regex: labelRegex(text) };
}

/** True when `step` is one the selector names. A key or index selector never matches a step without one. */
export function matchesStep(selector: StepSelector, step: SelectableStep): boolean {
  switch (selector.kind) {
    case 'label':
      return selector.regex.test(step.label);
    case 'phase':
      return step.phase === selector.name;
    case 'key':
      return step.key !== undefined && step.key.startsWith(selector.prefix);
    case 'index':
      return step.index === selector.index;
  }
}

/** The selector for messages: `label "review:*"`, `phase "Verify"`, `key s1:ab12…`, `call #3`. */
export function describeSelector(selector: StepSelector): string {
  switch (selector.kind) {
    case 'label':
      return `label ${JSON.stringify(selector.glob)}`;
    case 'phase':
      return `phase ${JSON.stringify(selector.name)}`;
    case 'key':
      return `key ${selector.prefix}…`;
    case 'index':
      return `call #${selector.index}`;
  }
}

function acceptedForms(options: { allowIndex?: boolean }): string {
  const index = options.allowIndex === true ? ', a call number (e.g. 3)' : '';
  return `use a label glob (e.g. "review:*"), phase:<name>, key:<hex prefix> or s1:<hex prefix>${index}`;
}

/** Whole-label match; `*` crosses `/` and `:` because labels are free text, not paths. */
function labelRegex(glob: string): RegExp {
  let source = '';
  let previous = '';
  for (const char of glob) {
    if (char === '*') source += previous === '*' ? '' : '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    previous = char;
  }
  return new RegExp(`^${source}$`, 'su');
}
