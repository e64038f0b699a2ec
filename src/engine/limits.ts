/**
 * The run's limits (spec §5): concurrency (L1), the agent cap (L2), the large-workflow warning
 * threshold (L3), and the entry cap of parallel()/pipeline() (enforced in the isolate, PL2/PP2).
 */
import { availableParallelism } from 'node:os';

export const DEFAULT_MAX_AGENTS = 1000;
export const LARGE_WORKFLOW_THRESHOLD = 25;
export const MAX_CONCURRENCY = 256;
export const DEFAULT_CPU_LIMIT_MS = 10_000;
export const DEFAULT_HEAP_LIMIT_MB = 128;
export const DEFAULT_STOP_GRACE_MS = 2_000;
export const DEFAULT_SCHEMA_ATTEMPTS = 5;

/** L1: min(16, cpus − 2), at least 1. */
export function defaultConcurrency(cpus: number = availableParallelism()): number {
  return Math.max(1, Math.min(16, cpus - 2));
}

/**
 * L1 with an override from `WF_MAX_CONCURRENT_AGENTS`: clamped to 1..256; garbage or empty values
 * are ignored (the default applies), because an environment variable is easy to set by accident.
 * The --concurrency flag is validated strictly by the CLI instead.
 */
export function resolveConcurrency(override: string | undefined, cpus: number = availableParallelism()): number {
  if (override !== undefined && /^\s*-?\d+\s*$/.test(override)) {
    return Math.min(MAX_CONCURRENCY, Math.max(1, Number(override)));
  }
  return defaultConcurrency(cpus);
}
