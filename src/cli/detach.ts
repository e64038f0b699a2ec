/**
 * `wf run --detach` (and `wf resume --detach`): the same command line runs again in a process of
 * its own, in a new session with no terminal, so closing the terminal does not end it (a session
 * leader without a controlling terminal gets no SIGHUP). The id is chosen here and printed at
 * once; the command then waits only until the run process has recorded its start in `run.json`,
 * so a run that cannot start (a script edited into a syntax error since, a vanished model) is
 * reported here with its exit code instead of silently dying in the background. Its stdout and
 * stderr go to `detached.log` in the run directory; `wf logs`, `wf status`, `wf wait`,
 * `wf result` and `wf stop` find it by id.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateRunId } from '../runs/run-id.js';
import { readRunRecord } from '../runs/run-lookup.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

export const DETACHED_LOG = 'detached.log';
/** The hidden flag that tells the background process which id its run has. */
export const DETACHED_RUN_ID_FLAG = '--detached-run-id';

const WF_BIN = fileURLToPath(new URL('../../bin/wf.js', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const POLL_MS = 50;

export interface DetachRequest {
  /** The command line as the user gave it (`run hello --detach …`). */
  argv: string[];
  runsDir: string;
  cwd: string;
  json: boolean;
}

/** Starts the background run; returns the exit code of `wf run --detach`. */
export async function startDetached(io: Output, request: DetachRequest): Promise<number> {
  const runId = generateRunId();
  const runDir = join(request.runsDir, runId);
  mkdirSync(runDir, { recursive: true });
  const logPath = join(runDir, DETACHED_LOG);
  const log = openSync(logPath, 'a');
  const child = spawn(process.execPath, [WF_BIN, ...backgroundArgv(request.argv, [DETACHED_RUN_ID_FLAG, runId])], {
    cwd: request.cwd,
    detached: true,
    stdio: ['ignore', log, log],
    env: process.env,
  });
  closeSync(log);
  let exited: number | null | undefined;
  child.on('exit', (code, signal) => {
    exited = code ?? (signal ? EXIT.failed : null);
  });
  child.on('error', () => {
    exited = EXIT.failed;
  });

  // The id first: a person or a script has it even while the run process is still starting.
  if (request.json) io.out(JSON.stringify({ runId, pid: child.pid ?? null, runDir, log: logPath }));
  else io.out(runId);

  for (const deadline = Date.now() + START_TIMEOUT_MS; Date.now() < deadline; await sleep(POLL_MS)) {
    if (exited !== undefined) {
      const output = (await readFile(logPath, 'utf8').catch(() => '')).trimEnd();
      io.err(`wf: the background run ${runId} ended before it started (exit ${exited ?? 'unknown'})`);
      if (output) io.err(output);
      return exited === null || exited === 0 ? EXIT.failed : exited;
    }
    const record = await readRunRecord(runDir);
    if (record.runId === runId && record.pid === child.pid) {
      child.unref();
      if (!request.json) {
        io.err(`wf: run ${runId} is running in the background (process ${child.pid})`);
        io.err(`wf: follow it with \`wf logs ${runId} --follow\`; \`wf status\`, \`wf wait\`, \`wf result\` and \`wf stop\` take the same id`);
      }
      return EXIT.completed;
    }
  }
  child.unref();
  io.err(`wf: run ${runId} was started (process ${child.pid}) but has not recorded its start after ${START_TIMEOUT_MS / 1000}s; see ${logPath}`);
  return EXIT.failed;
}

/** The user's command line without `--detach` and with `extra` flags, both before a `--` (where flags end). */
export function backgroundArgv(argv: string[], extra: string[]): string[] {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  const rest = end === -1 ? [] : argv.slice(end);
  return [...flags.filter((arg) => arg !== '--detach'), ...extra, ...rest];
}
