/**
 * The sandbox child process: started by sandbox/host.ts with `--no-node-snapshot` and an
 * environment holding no credentials, it owns one isolated-vm isolate for one run. It is the only
 * module on this side of the process wall that speaks protocol.ts, and it imports nothing from
 * src/ but the protocol, the prelude and the guard table: the sandbox cannot reach a secret
 * through an import.
 *
 * Failure modes: a CPU, wall-clock or heap limit disposes the isolate and the run ends with that
 * kind (S3); if V8 aborts the whole process instead, the host sees the child exit without a
 * `run-end` and records a sandbox crash. Either way the wf process survives.
 */
import type { HostMessage, Outcome, RunEndKind, SandboxMessage, SandboxWorkflow } from '../protocol.js';
import { guardMessages } from './guards.js';
import { loadIsolatedVm } from './isolated-vm.js';
import { PRELUDE_SOURCE, type PreludeSettings } from './prelude.js';

type RunStart = Extract<HostMessage, { type: 'run-start' }>;
type RunEnd = Extract<SandboxMessage, { type: 'run-end' }>['outcome'];

const WATCHDOG_INTERVAL_MS = 20;
const STALL_MS = 1000;
const LOG_BATCH = 1000;
const MAX_ENTRIES = 4096; // PL2/PP2
const MAX_REQUEST_CHARS = 8 * 1024 * 1024;
const MAX_PHASE_TITLE = 200;
const NOTICE_SLACK = 64;

const { ivm, packageName } = loadIsolatedVm();

let spent = 0;
let nextCallId = 1;
const pendingAgents = new Map<number, (outcome: Outcome<unknown>) => void>();
const pendingWorkflows = new Map<number, (outcome: Outcome<SandboxWorkflow>) => void>();
let logBuffer: string[] = [];
let logFlushScheduled = false;
let stopRequested = false;
let disposeRun: ((kind: RunEndKind) => void) | null = null;
/** workflow() children being set up or run; they may legitimately be busy without host calls. */
let childRuns = 0;

function send(message: SandboxMessage): void {
  if (message.type !== 'log-write') flushLogs();
  process.send?.(message);
}

/** Log lines are batched (a script may log a million lines) but never overtake other messages. */
function flushLogs(): void {
  while (logBuffer.length > 0) {
    const lines = logBuffer.slice(0, LOG_BATCH);
    logBuffer = logBuffer.slice(LOG_BATCH);
    process.send?.({ type: 'log-write', lines } satisfies SandboxMessage);
  }
}

let logLimits = { lineChars: 64 * 1024, count: 100_000 };
let logCount = 0;

/**
 * The authoritative log limits: the prelude applies them too, but a script can tamper with the
 * prelude's helpers (String.prototype.slice) and each workflow() child has its own prelude, so the
 * per-run count and the line length are enforced on this side of the isolate wall.
 */
function queueLog(raw: string): void {
  logCount += 1;
  if (logCount > logLimits.count) {
    if (logCount === logLimits.count + 1) logBuffer.push(`[wf] log limit of ${logLimits.count} lines reached; further lines are dropped`);
    return;
  }
  // The prelude already cut long lines and appended a short notice; allow for that notice here.
  const limit = logLimits.lineChars + NOTICE_SLACK;
  const line = raw.length > limit ? `${raw.slice(0, logLimits.lineChars)}… [${raw.length - logLimits.lineChars} more characters dropped]` : raw;
  logBuffer.push(line);
  if (logBuffer.length >= LOG_BATCH) flushLogs();
  if (!logFlushScheduled) {
    logFlushScheduled = true;
    setImmediate(() => {
      logFlushScheduled = false;
      flushLogs();
    });
  }
}

process.on('message', (message: HostMessage) => {
  switch (message.type) {
    case 'run-start':
      void startRun(message);
      break;
    case 'agent-result': {
      spent = message.spent;
      const resolve = pendingAgents.get(message.callId);
      pendingAgents.delete(message.callId);
      resolve?.(message.outcome);
      break;
    }
    case 'workflow-loaded': {
      const resolve = pendingWorkflows.get(message.callId);
      pendingWorkflows.delete(message.callId);
      resolve?.(message.outcome);
      break;
    }
    case 'budget-update':
      spent = message.spent;
      break;
    case 'run-stop':
      stopRequested = true;
      disposeRun?.('stopped');
      break;
  }
});

// The host going away means nobody can answer agent calls any more: end at once.
process.on('disconnect', () => process.exit(0));

async function startRun(start: RunStart): Promise<void> {
  const outcome = await runInIsolate(start);
  flushLogs();
  // Disconnecting drops IPC writes still queued, so disconnect only once run-end is written
  // (a large result or a burst of final log lines would otherwise be lost).
  process.send?.({ type: 'run-end', outcome } satisfies SandboxMessage, undefined, {}, () => process.disconnect?.());
}

async function runInIsolate(start: RunStart): Promise<RunEnd> {
  logLimits = { lineChars: start.logLineLimit, count: start.logCountLimit };
  const isolate = new ivm.Isolate({ memoryLimit: start.limits.heapMb });
  const startedAt = process.hrtime.bigint();
  let killedFor: RunEndKind | null = null;
  const kill = (kind: RunEndKind) => {
    if (killedFor !== null || isolate.isDisposed) return;
    killedFor = kind;
    isolate.dispose();
  };
  disposeRun = kill;
  if (stopRequested) kill('stopped');

  // isolated-vm's `timeout` covers only synchronous slices; code resumed after an await is
  // stopped only by disposing the isolate (research/isolated-vm.md §5).
  // A script with no host call pending and no CPU moving can never make progress again: there are
  // no timers in the sandbox, so only a host reply could settle what it awaits. That is a stall.
  let lastCpu = -1n;
  let quietSince = Date.now();
  const watchdog = setInterval(() => {
    if (isolate.isDisposed) return;
    const wallMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
    const cpu = isolate.cpuTime;
    if (start.limits.wallMs !== null && wallMs > start.limits.wallMs) kill('wall-limit');
    else if (Number(cpu) / 1e6 > start.limits.cpuMs) kill('cpu-limit');
    else if (cpu !== lastCpu || pendingAgents.size > 0 || pendingWorkflows.size > 0 || childRuns > 0) {
      lastCpu = cpu;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > STALL_MS) kill('stalled');
  }, WATCHDOG_INTERVAL_MS);

  try {
    const resultText = await runContext(isolate, start.workflow, {
      argsJson: start.argsJson,
      budgetTotal: start.budgetTotal,
      depth: 0,
      initialPhase: null,
      logLineLimit: start.logLineLimit,
      logCountLimit: start.logCountLimit,
      maxEntries: MAX_ENTRIES,
      maxRequestBytes: MAX_REQUEST_CHARS,
      guards: guardMessages(),
    });
    return JSON.parse(resultText) as RunEnd;
  } catch (error) {
    const kind: RunEndKind = killedFor ?? (isolate.isDisposed ? 'heap-limit' : 'sandbox');
    return { ok: false, kind, error: limitError(kind, start, error) };
  } finally {
    clearInterval(watchdog);
    disposeRun = null;
    if (!isolate.isDisposed) isolate.dispose();
  }
}

function limitError(kind: RunEndKind, start: RunStart, error: unknown) {
  const raw = error instanceof Error ? error.message : String(error);
  switch (kind) {
    case 'cpu-limit':
      return {
        name: 'WfCpuLimitError',
        code: 'WF_CPU_LIMIT',
        message: `the script used more than ${start.limits.cpuMs} ms of CPU time and was stopped (a loop that never awaits?)`,
        hint: 'raise the limit with --cpu-limit if the work is genuine',
      };
    case 'wall-limit':
      return {
        name: 'WfTimeoutError',
        code: 'WF_TIMEOUT',
        message: `the run exceeded its wall-clock limit of ${start.limits.wallMs} ms and was stopped`,
        hint: 'raise it with --timeout',
      };
    case 'heap-limit':
      return {
        name: 'WfHeapLimitError',
        code: 'WF_HEAP_LIMIT',
        message: `the script ran out of memory: the sandbox heap limit is ${start.limits.heapMb} MB`,
        hint: 'raise it with --memory-limit, or keep less data in the script',
      };
    case 'stopped':
      return { name: 'WfStoppedError', code: 'WF_STOPPED', message: 'the run was stopped' };
    case 'stalled':
      return {
        name: 'WfStalledError',
        code: 'WF_STALLED',
        message: 'the script is waiting on a promise that nothing can settle (no agent or workflow call is pending)',
        hint: 'look for an await on a promise or thenable that never resolves',
      };
    default:
      return { name: 'WfSandboxError', code: 'WF_SANDBOX', message: `the sandbox failed: ${raw}` };
  }
}

/**
 * Evaluates one workflow in a fresh context of `isolate`: the prelude first (guards, API), then the
 * compiled code, then the runner. Used for the run itself and for each workflow() child, which
 * shares the isolate (so the CPU and heap limits) but gets its own globals.
 */
async function runContext(isolate: InstanceType<typeof ivm.Isolate>, workflow: SandboxWorkflow, settings: PreludeSettings): Promise<string> {
  const context = await isolate.createContext();
  try {
    const depth = settings.depth;
    const agentRef = new ivm.Reference(async (prompt: string, optionsJson: string, phase: string | null) => {
      await null; // never hand isolated-vm an already-settled rejection (isolated-vm #314)
      const callId = nextCallId++;
      const outcome = new Promise<Outcome<unknown>>((resolve) => pendingAgents.set(callId, resolve));
      send({ type: 'agent-call', callId, prompt, optionsJson, phase, depth });
      return outcome;
    });
    const logRef = new ivm.Reference((line: string) => queueLog(String(line)));
    const phaseRef = new ivm.Reference((title: string) => send({ type: 'phase-start', title: String(title).slice(0, MAX_PHASE_TITLE), depth }));
    const workflowRef = new ivm.Reference(async (referenceJson: string, argsJson: string | null, phase: string | null) => {
      await null;
      return runChildWorkflow(isolate, referenceJson, argsJson, phase, settings);
    });
    const spentRef = new ivm.Reference(() => spent);
    const runner = await context.evalClosure(
      PRELUDE_SOURCE,
      [agentRef, logRef, phaseRef, workflowRef, spentRef, JSON.stringify(settings)],
      { result: { reference: true } },
    );
    const script = await isolate.compileScript(workflow.code, { filename: workflow.filename });
    await script.run(context);
    return (await runner.apply(undefined, [], { result: { promise: true, copy: true } })) as string;
  } finally {
    if (!isolate.isDisposed) context.release();
  }
}

async function runChildWorkflow(
  isolate: InstanceType<typeof ivm.Isolate>,
  referenceJson: string,
  argsJson: string | null,
  phase: string | null,
  parent: PreludeSettings,
): Promise<Outcome<string>> {
  const callId = nextCallId++;
  childRuns += 1;
  try {
    const loaded = await new Promise<Outcome<SandboxWorkflow>>((resolve) => {
      pendingWorkflows.set(callId, resolve);
      send({ type: 'workflow-call', callId, refJson: referenceJson });
    });
    if (!loaded.ok) return loaded;
    const resultText = await runContext(isolate, loaded.value, { ...parent, argsJson, depth: 1, initialPhase: phase });
    const result = JSON.parse(resultText) as RunEnd;
    if (result.ok) return { ok: true, value: result.resultJson };
    return { ok: false, error: result.error };
  } finally {
    childRuns -= 1;
  }
}

send({ type: 'sandbox-ready', isolatedVm: packageName });
