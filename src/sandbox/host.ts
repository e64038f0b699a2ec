/**
 * The engine's side of the process wall: starts the sandbox child, speaks protocol.ts, and nothing
 * else. It imports no engine, cache, dispatch or config code, so no secret can reach the child
 * through it; the child's environment is built here from nothing, not copied from ours.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorData } from '../errors.js';
import type { HostMessage, Outcome, RunEndKind, SandboxMessage, SandboxWorkflow } from './protocol.js';

type RunStart = Omit<Extract<HostMessage, { type: 'run-start' }>, 'type'>;

export interface AgentCallMessage {
  callId: number;
  prompt: string;
  optionsJson: string;
  phase: string | null;
  depth: number;
}

/** What the engine does with each request from the script. Handlers must not throw. */
export interface SandboxHandlers {
  agentCall(call: AgentCallMessage): void;
  workflowCall(callId: number, referenceJson: string): void;
  logWrite(lines: string[]): void;
  phaseStart(title: string, depth: number): void;
}

/** How the sandbox ended: the script's own outcome, or a crash of the child process. */
export type SandboxEnd =
  | { ok: true; resultJson: string }
  | { ok: false; kind: RunEndKind; error: ErrorData };

const STDERR_TAIL_CHARS = 4000;

/** Where the child's entry point is: next to this file in dist/, also when tests import src/. */
function childEntry(): string {
  const here = fileURLToPath(import.meta.url);
  const built = here.endsWith('.ts')
    ? here.replace(/([\\/])src([\\/])sandbox([\\/])host\.ts$/, '$1dist$2sandbox$3child$3main.js')
    : here.replace(/host\.js$/, 'child/main.js');
  if (!existsSync(built)) {
    throw new Error(`the sandbox child is missing at ${built}; run "npm run build" first`);
  }
  return built;
}

function spawnChild(): ChildProcess {
  return fork(childEntry(), [], {
    // Small young-generation spaces: the child's own heap only carries IPC messages between the
    // isolate and the host, and the default 16 MB semi-spaces cost ≈ 20 MB of peak RSS in a
    // 10,000-agent run (docs/benchmarks.md) for no measurable speed.
    execArgv: ['--no-node-snapshot', '--max-semi-space-size=1'],
    // Built from nothing: API keys and every other variable of the wf process stay out (S1).
    env: { WF_SANDBOX: '1' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
}

let spare: ChildProcess | undefined;

/**
 * Starts a sandbox process ahead of the next run, so that run does not wait for Node and
 * isolated-vm to boot (most of a run's ≈ 80 ms start-up). `wf run` calls it first thing, so the
 * boot overlaps finding, compiling and checking the workflow. A spare holds no run and no secret
 * (its environment is built from nothing, like every sandbox's); call discardSpareSandbox() when
 * no run will take it, or it keeps the process alive.
 */
export function prewarmSandbox(): void {
  if (spare !== undefined && spare.exitCode === null && spare.connected) return;
  spare = spawnChild();
  spare.on('error', () => undefined); // a spare that failed to start is replaced by a fresh fork
}

/** Ends a spare sandbox process that no run took. */
export function discardSpareSandbox(): void {
  spare?.kill();
  spare = undefined;
}

function takeSpare(): ChildProcess | undefined {
  const child = spare;
  spare = undefined;
  if (child !== undefined && child.exitCode === null && child.signalCode === null && child.connected) return child;
  child?.kill();
  return undefined;
}

export class SandboxHost {
  /** Settles once, when the run has ended in the child or the child has died. */
  readonly ended: Promise<SandboxEnd>;
  private readonly child: ChildProcess;
  private finished = false;
  private stderrTail = '';

  constructor(start: RunStart, private readonly handlers: SandboxHandlers) {
    this.child = takeSpare() ?? spawnChild();
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    this.ended = new Promise<SandboxEnd>((resolve) => {
      this.child.on('message', (message: SandboxMessage) => {
        if (message.type === 'run-end') {
          this.finished = true;
          resolve(message.outcome);
          return;
        }
        this.dispatch(message);
      });
      this.child.on('exit', (code, signal) => {
        if (this.finished) return;
        this.finished = true;
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const detail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
        resolve({
          ok: false,
          kind: 'sandbox',
          error: {
            name: 'WfSandboxError',
            code: 'WF_SANDBOX_CRASH',
            message: `the sandbox process ${how} before the run ended${detail ? ` (${detail})` : ''}`,
            hint: 'if the script allocates a lot of memory, this is likely V8 running out of heap',
          },
        });
      });
      this.child.on('error', () => {
        /* 'exit' follows and reports it */
      });
    });
    this.post({ type: 'run-start', ...start });
  }

  answerAgent(callId: number, spent: number, outcome: Outcome<unknown>): void {
    this.post({ type: 'agent-result', callId, spent, outcome });
  }

  answerWorkflow(callId: number, outcome: Outcome<SandboxWorkflow>): void {
    this.post({ type: 'workflow-loaded', callId, outcome });
  }

  updateBudget(spent: number): void {
    this.post({ type: 'budget-update', spent });
  }

  /** Disposes the isolate now; the run ends with kind `stopped`. */
  stop(): void {
    this.post({ type: 'run-stop' });
  }

  /** Ends the child process (after the run ended, or when it does not answer a stop). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private post(message: HostMessage): void {
    if (!this.child.connected) return;
    try {
      this.child.send(message);
    } catch {
      /* the child is gone; 'exit' reports it */
    }
  }

  private dispatch(message: SandboxMessage): void {
    switch (message.type) {
      case 'agent-call':
        this.handlers.agentCall(message);
        break;
      case 'workflow-call':
        this.handlers.workflowCall(message.callId, message.refJson);
        break;
      case 'log-write':
        this.handlers.logWrite(message.lines);
        break;
      case 'phase-start':
        this.handlers.phaseStart(message.title, message.depth);
        break;
      case 'sandbox-ready':
        break;
    }
  }
}
