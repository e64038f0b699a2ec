/**
 * Every message that crosses the process wall between the wf process (engine) and the sandbox
 * child, in both directions. Nothing else crosses: payloads are JSON values, never classes,
 * functions or host errors.
 *
 * Contract:
 * - The host sends exactly one `run-start` per child; the child answers with exactly one `run-end`
 *   (unless the child process dies, which the host records as a sandbox crash).
 * - Every `agent-call` gets exactly one `agent-result` with the same `callId`, even after a stop
 *   (then it carries `null` or an error). Every `workflow-call` gets exactly one `workflow-loaded`.
 * - `budget-update` may arrive at any time; the latest value is what `budget.spent()` returns.
 * - `run-stop` makes the child dispose the isolate at once; the run then ends with kind `stopped`.
 * - Messages from the child keep the order the script produced them in (log lines are batched but
 *   always flushed before any other message).
 */
import type { ErrorData } from '../errors.js';

/** Limits enforced inside the child by the watchdog (S3). */
export interface SandboxLimits {
  /** CPU time of the isolate, all contexts together, in milliseconds. */
  cpuMs: number;
  /** Wall-clock time from run start, in milliseconds; null for none. */
  wallMs: number | null;
  /** Isolate heap limit in MB (isolated-vm `memoryLimit`). */
  heapMb: number;
}

/** Generated code of one workflow, as compile/ produced it. */
export interface SandboxWorkflow {
  code: string;
  /** The name stack frames will carry, e.g. `workflow.gen.js`. */
  filename: string;
}

/** A value or an error, the way every reply crosses the wall. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

/** Why a run ended inside the sandbox when it did not end by returning. */
export type RunEndKind = 'script' | 'result' | 'cpu-limit' | 'wall-limit' | 'heap-limit' | 'stalled' | 'stopped' | 'sandbox';

export type HostMessage =
  | {
      type: 'run-start';
      workflow: SandboxWorkflow;
      /** JSON text of `args`, or null when no args were given (the script then sees `undefined`). */
      argsJson: string | null;
      budgetTotal: number | null;
      spent: number;
      limits: SandboxLimits;
      /** Settings the prelude applies; see guards.ts for the determinism rules. */
      logLineLimit: number;
      logCountLimit: number;
    }
  | { type: 'agent-result'; callId: number; spent: number; outcome: Outcome<unknown> }
  | { type: 'workflow-loaded'; callId: number; outcome: Outcome<SandboxWorkflow> }
  | { type: 'budget-update'; spent: number }
  | { type: 'run-stop' };

export type SandboxMessage =
  | { type: 'sandbox-ready'; isolatedVm: string }
  | {
      type: 'agent-call';
      callId: number;
      prompt: string;
      /** The options object as JSON text ("null" when none were given). */
      optionsJson: string;
      /** The phase current in the calling context when the call was issued. */
      phase: string | null;
      /** 0 for the workflow itself, 1 inside a workflow() child (W2: one level only). */
      depth: number;
    }
  | { type: 'log-write'; lines: string[] }
  | { type: 'phase-start'; title: string; depth: number }
  | { type: 'workflow-call'; callId: number; refJson: string }
  | {
      type: 'run-end';
      outcome:
        | { ok: true; resultJson: string }
        | { ok: false; kind: RunEndKind; error: ErrorData };
    };
