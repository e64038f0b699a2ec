/**
 * One run of an agent CLI as a child process (research note 3.6): the prompt goes in on stdin,
 * JSONL events come out on stdout, the last 64 KB of stderr is kept for error messages. The child
 * starts in its own process group (`detached`), so stopping it reaches everything it started (MCP
 * servers, shell commands): SIGTERM to the group, SIGKILL after a grace period, and the exit is
 * always awaited. Processes the CLI leaves behind when it exits on its own are cleaned up the same
 * way. Node's `spawn({signal})` would only kill the direct child.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import { AgentStoppedError } from '../dispatcher.js';
import { CliError, CliNotFoundError } from './errors.js';
import { messageOf } from '../../errors.js';

export interface AgentProcessOptions {
  /** A command name (looked up on `env.PATH`) or a path. */
  bin: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. */
  stdin: string;
  /** Aborting it stops the whole process group. */
  signal: AbortSignal;
  /** Called with each stdout line that parses as JSON (lines not starting with `{` are skipped). */
  onLine: (event: unknown) => void;
  /** Between SIGTERM and SIGKILL. Default 3000 ms. */
  graceMs?: number;
  /** The hint of the {@link CliNotFoundError} thrown when `bin` is missing. */
  notFoundHint?: string;
}

export interface AgentProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The last 64 KB of stderr. */
  stderrTail: string;
  /** True when the run was stopped through `signal`. */
  aborted: boolean;
  /** Lines starting with `{` that were not valid JSON (ignored). */
  badLines: number;
}

const STDERR_TAIL_CHARS = 64 * 1024;

/** Runs the CLI to its end (or until `signal` stops it). Throws only when it cannot start. */
export async function runAgentProcess(options: AgentProcessOptions): Promise<AgentProcessResult> {
  const { args, cwd, env, stdin, signal, onLine } = options;
  const graceMs = options.graceMs ?? 3000;
  if (signal.aborted) throw new AgentStoppedError();
  const path = resolveBinary(options.bin, env.PATH ?? '', cwd);
  if (path === undefined) throw new CliNotFoundError(options.bin, options.notFoundHint === undefined ? {} : { hint: options.notFoundHint });

  let child: ChildProcess;
  try {
    child = spawn(path, args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    throw startError(options, error);
  }

  return new Promise<AgentProcessResult>((resolve, reject) => {
    let stderrTail = '';
    let badLines = 0;
    let aborted = false;
    let stopping = false;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let childClosed = false;
    let linesClosed = false;
    let settled = false;
    let lineError: unknown;
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    /** SIGTERM the group now, SIGKILL it after the grace period unless everything has closed. */
    const stop = () => {
      if (stopping) return;
      stopping = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      killTimer.unref?.();
    };
    const onAbort = () => {
      aborted = true;
      stop();
    };
    signal.addEventListener('abort', onAbort, { once: true });

    const finish = () => {
      if (settled || !childClosed || !linesClosed) return;
      settled = true;
      clearTimeout(killTimer);
      // Whatever of the group survived a SIGTERM (and held no pipe open) gets no second chance.
      if (stopping) killGroup('SIGKILL');
      signal.removeEventListener('abort', onAbort);
      if (lineError !== undefined) reject(lineError);
      else resolve({ exitCode, signal: exitSignal, stderrTail, aborted, badLines });
    };

    child.on('error', (error) => {
      // Spawn failures (ENOENT, EACCES) come here with no pid and no 'close' guaranteed.
      if (child.pid === undefined && !settled) {
        settled = true;
        signal.removeEventListener('abort', onAbort);
        reject(startError(options, error));
      }
    });
    child.on('exit', (code, sig) => {
      exitCode = code;
      exitSignal = sig;
      // The CLI is done: anything it left running in its group is an orphan, and may hold stdout open.
      stop();
    });
    child.on('close', () => {
      childClosed = true;
      finish();
    });

    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderrTail += chunk;
      if (stderrTail.length > STDERR_TAIL_CHARS * 2) stderrTail = stderrTail.slice(-STDERR_TAIL_CHARS);
    });
    child.stderr!.on('end', () => {
      if (stderrTail.length > STDERR_TAIL_CHARS) stderrTail = stderrTail.slice(-STDERR_TAIL_CHARS);
    });

    const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (lineError !== undefined) return;
      const text = line.trimStart();
      if (!text.startsWith('{')) return;
      let event: unknown;
      try {
        event = JSON.parse(text);
      } catch {
        badLines += 1;
        return;
      }
      try {
        onLine(event);
      } catch (error) {
        lineError = error;
        stop();
      }
    });
    lines.on('close', () => {
      linesClosed = true;
      finish();
    });

    // A CLI that exits before reading its prompt makes the write fail with EPIPE: its exit says more.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(stdin);
  });
}

function startError(options: AgentProcessOptions, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // spawn reports a missing working directory as ENOENT too.
  if (code === 'ENOENT' && !isDirectory(options.cwd)) {
    return new CliError('WF_CLI_FAILED', `\`${options.bin}\` could not be started: its working directory ${options.cwd} does not exist`, { cause: error });
  }
  if (code === 'ENOENT') return new CliNotFoundError(options.bin, { cause: error, ...(options.notFoundHint === undefined ? {} : { hint: options.notFoundHint }) });
  return new CliError('WF_CLI_FAILED', `\`${options.bin}\` could not be started: ${messageOf(error)}`, { cause: error });
}

/**
 * Where `name` would be run from: a name without `/` is looked up on `PATH` (executable regular
 * files only); a path is resolved against `cwd`. Undefined when there is nothing runnable there.
 */
export function resolveBinary(name: string, PATH: string, cwd: string = process.cwd()): string | undefined {
  if (name === '') return undefined;
  if (name.includes('/')) {
    const path = isAbsolute(name) ? name : resolvePath(cwd, name);
    return isExecutable(path) ? path : undefined;
  }
  for (const dir of PATH.split(delimiter)) {
    if (dir === '') continue;
    const path = join(isAbsolute(dir) ? dir : resolvePath(cwd, dir), name);
    if (isExecutable(path)) return path;
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Variables every CLI child gets when the parent has them (note 3.6: an allowlist, never the whole environment). */
const BASE_ALLOWED = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_*',
  'TERM',
  'TMPDIR',
  'TZ',
  'SHELL',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_CACHE_HOME',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

/**
 * The child's environment: the base allowlist plus `extraAllowed` (the CLI's own variables). A
 * name ending in `*` allows every variable with that prefix (`CLAUDE_CODE_*`). `WF_*` variables
 * never pass, even if an entry would allow them.
 */
export function childEnv(base: NodeJS.ProcessEnv, extraAllowed: string[]): NodeJS.ProcessEnv {
  const allowed = [...BASE_ALLOWED, ...extraAllowed];
  const exact = new Set(allowed.filter((name) => !name.endsWith('*')));
  const prefixes = allowed.filter((name) => name.endsWith('*')).map((name) => name.slice(0, -1));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || name.startsWith('WF_')) continue;
    if (exact.has(name) || prefixes.some((prefix) => name.startsWith(prefix))) env[name] = value;
  }
  return env;
}
