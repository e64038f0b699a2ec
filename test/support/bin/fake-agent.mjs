#!/usr/bin/env node
/**
 * A fake agent CLI for tests (research note 5.5): acts as `claude` or `codex` (FAKE_AGENT_AS, else
 * the basename it was started as). Never touches the network.
 *
 * Scenario (JSON file named by FAKE_AGENT_SCENARIO; missing = {}):
 *   lines?: Array<object | string | {"$sleep": ms}>  printed one per line (objects as JSON)
 *   delayMs?: number        pause before each printed line
 *   exitCode?: number       default 0
 *   stderr?: string         written to stderr before exiting
 *   hang?: boolean          after the lines, never exit on its own
 *   ignoreSigterm?: boolean SIGTERM does nothing (only SIGKILL stops it)
 *   spawnGrandchild?: bool  start a long-lived grandchild that shares stdout (same process group)
 *   echoStdin?: boolean     print the received stdin, raw, before the lines
 *   version?: string        what `--version` prints
 *
 * Before printing, appends to FAKE_AGENT_LOG one JSON line:
 *   {as, argv, stdin, env (selected keys), envKeys (all names), pid, cwd, grandchildPid?,
 *    outputSchema? (the parsed file named by `--output-schema`, read while it exists)}
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

const SELECTED_ENV = [
  'PATH',
  'HOME',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_BASE_URL',
  'CLAUDE_CONFIG_DIR',
  'CLAUDE_CODE_USE_BEDROCK',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'CODEX_API_KEY',
  'CODEX_HOME',
  'IS_SANDBOX',
  'SOME_OTHER_API_KEY',
  'WF_SECRET',
  'LANG',
];

const as = process.env.FAKE_AGENT_AS || basename(process.argv[1] ?? 'agent').replace(/\.m?js$/, '');
const scenario = readScenario();
const argv = process.argv.slice(2);

if (scenario.ignoreSigterm) process.on('SIGTERM', () => undefined);

if (argv.includes('--version')) {
  process.stdout.write(`${scenario.version ?? (as === 'codex' ? 'codex-cli 0.46.0' : '2.1.3 (Claude Code)')}\nsecond line\n`);
  process.exit(0);
}

const stdin = await readStdin();
let grandchildPid;
if (scenario.spawnGrandchild) {
  // Shares our stdout and process group: only a group kill (or its own death) closes the pipe.
  const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'inherit', 'inherit'] });
  grandchildPid = grandchild.pid;
  grandchild.unref();
}

if (process.env.FAKE_AGENT_LOG) {
  const env = Object.fromEntries(SELECTED_ENV.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]]));
  const schemaAt = argv.indexOf('--output-schema');
  const outputSchema = schemaAt >= 0 ? readJson(argv[schemaAt + 1]) : undefined;
  const entry = {
    as,
    argv,
    stdin,
    env,
    envKeys: Object.keys(process.env).sort(),
    pid: process.pid,
    cwd: process.cwd(),
    ...(grandchildPid === undefined ? {} : { grandchildPid }),
    ...(outputSchema === undefined ? {} : { outputSchema }),
  };
  appendFileSync(process.env.FAKE_AGENT_LOG, `${JSON.stringify(entry)}\n`);
}

if (scenario.echoStdin) await write(stdin.endsWith('\n') ? stdin : `${stdin}\n`);
for (const line of scenario.lines ?? []) {
  if (line !== null && typeof line === 'object' && typeof line.$sleep === 'number') {
    await sleep(line.$sleep);
    continue;
  }
  if (scenario.delayMs) await sleep(scenario.delayMs);
  await write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);
}
if (scenario.stderr) process.stderr.write(scenario.stderr);

if (scenario.hang) {
  setInterval(() => undefined, 1000);
} else {
  process.exitCode = scenario.exitCode ?? 0;
}

function readScenario() {
  return readJson(process.env.FAKE_AGENT_SCENARIO) ?? {};
}

function readJson(file) {
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function readStdin() {
  return new Promise((resolve) => {
    if (process.stdin.isTTY) return resolve('');
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', () => resolve(text));
  });
}

function write(text) {
  return new Promise((resolve) => process.stdout.write(text, () => resolve()));
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
