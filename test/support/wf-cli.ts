/**
 * Runs the built `bin/wf.js` as a user would, in a throw-away project, for end-to-end tests of the
 * commands that manage runs. HOME points into the project so no user config leaks in.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const WF_BIN = resolve(__dirname, '../../bin/wf.js');

export interface WfResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A project directory with `.boocode/workflows/` and the given files (paths relative to it). */
export function tempProject(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wf-e2e-'));
  mkdirSync(join(dir, '.boocode', 'workflows'), { recursive: true });
  mkdirSync(join(dir, 'home'));
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

export function runWf(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<WfResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [WF_BIN, ...args], { cwd, env: { PATH: process.env.PATH, HOME: join(cwd, 'home'), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The run's directory. */
export function runDir(project: string, runId: string): string {
  return join(project, '.boocode', 'runs', runId);
}

/** `run.json` of a run, parsed. */
export function runRecord(project: string, runId: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(runDir(project, runId), 'run.json'), 'utf8')) as Record<string, unknown>;
}

/** The events of a run's `events.jsonl` (whole lines only). */
export function runEvents(project: string, runId: string): Array<Record<string, unknown> & { type: string }> {
  let text = '';
  try {
    text = readFileSync(join(runDir(project, runId), 'events.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown> & { type: string }];
      } catch {
        return [];
      }
    });
}

/** Polls until `check` is true; fails with `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check(); await sleep(50)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}
