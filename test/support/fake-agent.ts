/**
 * Installs the fake agent CLI (test/support/bin/fake-agent.mjs) as `claude` and `codex` in
 * `<dir>/bin`. Each wrapper is a shell script that runs it with this process's node, and points it
 * at `<dir>/scenario.json` and `<dir>/log.jsonl` unless the environment names other files: the
 * dispatcher's environment allowlist would drop FAKE_AGENT_* variables set by a test.
 *
 * Give dispatchers `PATH: fake.path` (the fake bin dir and node's dir only), so a real `claude` or
 * `codex` on the developer's PATH is never run.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FAKE_AGENT_SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), 'bin', 'fake-agent.mjs');

/** What fake-agent.mjs does in one run (see its header). */
export interface FakeScenario {
  lines?: Array<Record<string, unknown> | string | { $sleep: number }>;
  delayMs?: number;
  exitCode?: number;
  stderr?: string;
  hang?: boolean;
  ignoreSigterm?: boolean;
  spawnGrandchild?: boolean;
  echoStdin?: boolean;
  version?: string;
}

/** One run of the fake, as it logged itself. */
export interface FakeLogEntry {
  as: string;
  argv: string[];
  stdin: string;
  env: Record<string, string>;
  envKeys: string[];
  pid: number;
  cwd: string;
  grandchildPid?: number;
  /** The file `--output-schema` named, parsed, as it was while the fake ran. */
  outputSchema?: unknown;
}

export interface FakeAgents {
  binDir: string;
  /** `binDir` and node's own directory: a PATH on which only the fakes (and node) are found. */
  path: string;
  logPath: string;
  /** Writes the scenario the next runs play; returns its path. */
  scenario(scenario: FakeScenario): string;
  /** Every run logged so far, oldest first. */
  readLog(): FakeLogEntry[];
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** A recorded JSONL session of an agent CLI under test/fixtures/<folder>, one event object per line. */
export function cliFixtures(folder: string): (name: string) => Array<Record<string, unknown>> {
  const root = join(import.meta.dirname, '..', 'fixtures', folder);
  return (name) =>
    readFileSync(join(root, name), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export function installFakeAgents(dir: string): FakeAgents {
  const binDir = join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  const scenarioPath = join(dir, 'scenario.json');
  const logPath = join(dir, 'log.jsonl');
  writeFileSync(scenarioPath, '{}');
  for (const name of ['claude', 'codex']) {
    const wrapper = join(binDir, name);
    writeFileSync(
      wrapper,
      [
        '#!/bin/sh',
        `FAKE_AGENT_AS=${name}`,
        `FAKE_AGENT_SCENARIO="\${FAKE_AGENT_SCENARIO:-${scenarioPath.replace(/(["$`\\])/g, '\\$1')}}"`,
        `FAKE_AGENT_LOG="\${FAKE_AGENT_LOG:-${logPath.replace(/(["$`\\])/g, '\\$1')}}"`,
        'export FAKE_AGENT_AS FAKE_AGENT_SCENARIO FAKE_AGENT_LOG',
        `exec ${shellQuote(process.execPath)} ${shellQuote(FAKE_AGENT_SCRIPT)} "$@"`,
        '',
      ].join('\n'),
    );
    chmodSync(wrapper, 0o755);
  }
  return {
    binDir,
    path: [binDir, dirname(process.execPath)].join(delimiter),
    logPath,
    scenario(scenario) {
      writeFileSync(scenarioPath, JSON.stringify(scenario));
      return scenarioPath;
    },
    readLog() {
      if (!existsSync(logPath)) return [];
      return readFileSync(logPath, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as FakeLogEntry);
    },
  };
}

/** True when `pid` no longer runs (gone, or a zombie nobody has reaped yet). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Polls `check` every 20 ms until it is true or `timeoutMs` passes; returns its last answer. */
export async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}
