/**
 * The step key (spec C1): the only place a cache key is computed. A key is SHA-256 over the
 * canonical JSON of a versioned {@link StepSpec} that holds everything that changes an agent's
 * output and nothing else. Label, phase, timeouts, run id, budget and credentials stay out, so
 * renaming a step or moving it to another phase reuses its result (matrix J08). See README.md.
 */
import { canonicalJson, sha256Hex } from './canonical-json.js';

/**
 * Bumped by hand when the meaning of a spec field changes (never with the package version, which
 * would wipe every cache on every upgrade). Part of every key: `s1:…`.
 */
export const KEY_SPEC_VERSION = 1;

const KEY_PREFIX = `s${KEY_SPEC_VERSION}:`;
const DOMAIN = 'wf-step\u0000';

/** The inputs of one agent() call that decide its output (C1). */
export interface StepSpec {
  v: typeof KEY_SPEC_VERSION;
  kind: 'agent';
  /** Project salt; changing it invalidates every entry of the project. Empty by default. */
  ns: string;
  /** Exactly what the script passed: no trimming, no normalisation. */
  prompt: string;
  /** `<runner>@<behaviour version>` of the dispatcher: its preamble and tool loop shape outputs. */
  harness: string;
  /** The resolved model (never an alias) and the parameters that change its output. */
  model: { id: string; params?: Record<string, unknown> };
  /** Digest of the resolved system prompt or agent definition. */
  system?: string;
  /** Tools the agent can call, sorted by name, each with a digest of its definition. */
  tools?: Array<{ name: string; digest: string }>;
  schema?: Record<string, unknown>;
  effort?: string;
  agentType?: string;
  isolation?: string;
  maxToolCalls?: number;
  /** Digests of hidden inputs: declared files and, for agents that can read it, the workspace (C3). */
  reads?: { files?: string; workspace?: string };
  /** The per-call salt `agent(p, { cache: { key } })`. */
  salt?: string;
  /** Occurrence of this spec in the run (0 for the first): N identical calls get N keys. */
  sample: number;
}

/** A spec before its occurrence number is known. */
export type BaseStepSpec = Omit<StepSpec, 'sample'>;

/** `s1:<64 hex>`. Throws CacheKeyError when the spec holds a value JSON cannot represent. */
export function stepKey(spec: StepSpec): string {
  return KEY_PREFIX + sha256Hex(DOMAIN + canonicalJson(spec));
}

/** The key of a spec without its occurrence number: what occurrence counting counts. */
export function baseKey(spec: BaseStepSpec): string {
  return sha256Hex(DOMAIN + canonicalJson(spec));
}

/** True for a string shaped like a key of the current spec version. */
export function isStepKey(text: string): boolean {
  return /^s1:[0-9a-f]{64}$/.test(text);
}

/**
 * Counts occurrences of base keys within one run, in call order, so that the second identical call
 * gets sample 1 and its own entry (matrix J18). Calls must be counted in the order they were made.
 */
export class OccurrenceCounter {
  private readonly seen = new Map<string, number>();

  next(base: string): number {
    const count = this.seen.get(base) ?? 0;
    this.seen.set(base, count + 1);
    return count;
  }
}
