/**
 * End-to-end crash test (spec R1, C4): a 200-agent run with the mock dispatcher is killed with
 * SIGKILL at 10 random points, each followed by `wf resume`. Every final result must equal the
 * uninterrupted run's, no step that had completed before the kill may be dispatched again, and the
 * killed `wf` must leave no sandbox child behind. One more trial kills the resume too and resumes
 * the resumed run.
 *
 * The kill points come from a seeded PRNG: the seed is in the test names, and
 * `WF_CRASH_SEED=<seed> npx vitest run test/e2e/crash-resume.test.ts` replays the same kill
 * thresholds (the exact kill moment still depends on timing).
 *
 * "Dispatched" is read from the journals: every agent() call gets exactly one agent-end line, and a
 * step served from the resumed run's journal or the project's cache has `cached` on it.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';

const BIN = resolve(__dirname, '../../bin/wf.js');

const ITEMS = 100; // two agents per item: 200 agents
const AGENTS = 2 * ITEMS;
const CONCURRENCY = '8';
const TRIALS = 10;

const SEED = process.env.WF_CRASH_SEED ? Number(process.env.WF_CRASH_SEED) : Math.floor(Math.random() * 2 ** 31);

/** mulberry32: a small seeded PRNG, so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
/** Completed agent-end lines to wait for before each SIGKILL. */
const KILL_AFTER = Array.from({ length: TRIALS }, () => between(1, 190));
/** The chained trial: kill the run after K1 completed steps, then its resume after L more live ones. */
const CHAIN = { first: between(1, 150), more: between(1, 30) };

const WORKFLOW = `export const meta = { name: "crash", description: "200 agents: a two-stage pipeline over 100 items" };
const items = Array.from({ length: ${ITEMS} }, (_, i) => i);
return await pipeline(
  items,
  (item) => agent("draft " + item, { label: "draft " + item }),
  (draft, item) => agent("polish " + draft, { label: "polish " + item }),
);
`;

/** Different delays by item, so completion order is not start order. The last matching rule wins. */
const RULES = JSON.stringify({
  rules: [
    { delayMs: 15 },
    { regex: '[37]$', delayMs: 35 },
    { regex: '^polish .*[05]$', delayMs: 4 },
    { regex: '^draft \\d*9$', reply: 'nine', delayMs: 25 },
  ],
});

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface AgentEnd {
  index: number;
  key?: string;
  label: string;
  status: string;
  cached?: { via: string; runId: string };
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wf-e2e-crash-'));
  mkdirSync(join(dir, '.boocode', 'workflows'), { recursive: true });
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'crash.js'), WORKFLOW);
  writeFileSync(join(dir, 'rules.json'), RULES);
  return dir;
}

function start(args: string[], cwd: string): { child: ChildProcessWithoutNullStreams; done: Promise<Result> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, HOME: join(cwd, 'home') } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Result>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

const RUN_FLAGS = ['--mock', 'rules.json', '--concurrency', CONCURRENCY, '-q'];

/** `wf resume <runId> --json` to the end; the parsed RunSummary. */
async function resume(dir: string, runId: string): Promise<Record<string, any>> {
  const result = await start(['resume', runId, ...RUN_FLAGS, '--json'], dir).done;
  expect(result.code, `wf resume ${runId}\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout);
}

function runIds(dir: string): string[] {
  const runs = join(dir, '.boocode', 'runs');
  return existsSync(runs) ? readdirSync(runs).sort() : [];
}

/** Whole agent-end lines of a journal; a torn last line is skipped, as wf itself skips it. */
function agentEnds(runDir: string): AgentEnd[] {
  let text: string;
  try {
    text = readFileSync(join(runDir, 'journal.jsonl'), 'utf8');
  } catch {
    return [];
  }
  const ends: AgentEnd[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"agent-end"')) continue;
    try {
      const event = JSON.parse(line);
      if (event.type === 'agent-end') ends.push(event);
    } catch {
      // torn
    }
  }
  return ends;
}

const completedKeys = (ends: AgentEnd[]) => new Set(ends.filter((end) => end.status === 'completed' && end.key).map((end) => end.key!));

/** Polls the (only new) run's journal every 5 ms until `ready` holds; fails if the process ends first. */
async function waitForJournal(
  dir: string,
  known: string[],
  running: { done: Promise<Result> },
  ready: (ends: AgentEnd[]) => boolean,
  onFirstStep: (runDir: string) => void,
): Promise<string> {
  let ended: Result | undefined;
  void running.done.then((result) => (ended = result));
  let sawStep = false;
  for (;;) {
    const fresh = runIds(dir).filter((id) => !known.includes(id));
    if (fresh.length > 1) throw new Error(`expected one new run, found ${fresh.join(', ')}`);
    if (fresh.length === 1) {
      const runDir = join(dir, '.boocode', 'runs', fresh[0]!);
      const ends = agentEnds(runDir);
      if (!sawStep && ends.length > 0) {
        sawStep = true;
        onFirstStep(runDir);
      }
      if (ready(ends)) return fresh[0]!;
    }
    if (ended) throw new Error(`wf ended (code ${ended.code}) before the kill point was reached\n${ended.stderr}`);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 5));
  }
}

interface ProcessRow {
  pid: number;
  ppid: number;
  stat: string;
  args: string;
}

function processTable(): ProcessRow[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), stat: match[3]!, args: match[4]! }));
}

/** Every live descendant of `root` (its sandbox child, and anything that started). */
function descendants(root: number): ProcessRow[] {
  const table = processTable();
  const found: ProcessRow[] = [];
  const parents = [root];
  while (parents.length > 0) {
    const parent = parents.pop()!;
    for (const row of table) {
      if (row.ppid === parent && !row.stat.startsWith('Z')) {
        found.push(row);
        parents.push(row.pid);
      }
    }
  }
  return found;
}

/** The rows of `pids` still alive (a zombie waiting for its new parent to reap it counts as gone). */
function stillAlive(rows: ProcessRow[]): ProcessRow[] {
  const table = new Map(processTable().map((row) => [row.pid, row]));
  return rows.filter((row) => {
    const now = table.get(row.pid);
    return now !== undefined && !now.stat.startsWith('Z') && now.args === row.args;
  });
}

async function waitUntilGone(rows: ProcessRow[], ms: number): Promise<ProcessRow[]> {
  const deadline = Date.now() + ms;
  let alive = stillAlive(rows);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 25));
    alive = stillAlive(rows);
  }
  return alive;
}

/** Lock files of the project's step cache that hold nothing. */
function emptyLocks(dir: string): number {
  let count = 0;
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.lock') && readFileSync(child, 'utf8') === '') count += 1;
    }
  };
  const root = join(dir, '.boocode', 'cache');
  if (existsSync(root)) walk(root);
  return count;
}

interface Killed {
  runId: string;
  runDir: string;
  /** Keys whose agent-end line says completed when the process died. */
  completed: Set<string>;
  ends: AgentEnd[];
}

/**
 * Starts `args` (a `wf run` or `wf resume`), waits until `ready` holds for the new run's journal,
 * SIGKILLs wf, and checks that it died by the signal and that its sandbox child exits on its own.
 */
async function runAndKill(dir: string, args: string[], ready: (ends: AgentEnd[]) => boolean): Promise<Killed> {
  const known = runIds(dir);
  const running = start(args, dir);
  let children: ProcessRow[] = [];
  const runId = await waitForJournal(dir, known, running, ready, () => {
    // The sandbox child runs the script, so it exists once any step has ended.
    children = descendants(running.child.pid!);
  });
  running.child.kill('SIGKILL');
  const result = await running.done;
  expect(result.signal, `wf was meant to die by SIGKILL\n${result.stderr}`).toBe('SIGKILL');
  expect(children.some((row) => /sandbox[\\/]child[\\/]main\.js/.test(row.args)), JSON.stringify(children)).toBe(true);
  // Orphaned by the kill, the sandbox child notices its IPC channel closing and exits.
  expect(await waitUntilGone(children, 3000), 'processes left behind by the killed wf').toEqual([]);

  // A lock file appears whole (temp file + link), so a kill can never leave an empty one that a
  // resume would have to wait out.
  expect(emptyLocks(dir)).toBe(0);
  const runDir = join(dir, '.boocode', 'runs', runId);
  expect(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).status).toBe('running'); // killed, never settled
  const ends = agentEnds(runDir);
  return { runId, runDir, completed: completedKeys(ends), ends };
}

/** The checks of a finished resume: the reference result, 200 completed steps, the same keys. */
function checkFinished(summary: Record<string, any>, reference: Reference): AgentEnd[] {
  expect(summary.status).toBe('completed');
  expect(summary.agentCount).toBe(AGENTS);
  expect(summary.result).toEqual(reference.result);
  const ends = agentEnds(summary.runDir);
  expect(ends).toHaveLength(AGENTS);
  expect(ends.every((end) => end.status === 'completed')).toBe(true);
  expect(new Set(ends.map((end) => end.index)).size).toBe(AGENTS);
  expect(new Set(ends.map((end) => end.key))).toEqual(reference.keys);
  return ends;
}

/** Keys of `completed` that the resumed run dispatched again (an agent-end line without `cached`). */
function redispatched(ends: AgentEnd[], completed: Set<string>): string[] {
  return ends.filter((end) => end.key !== undefined && completed.has(end.key) && end.cached === undefined).map((end) => `#${end.index} ${end.label}`);
}

interface Reference {
  result: unknown;
  keys: Set<string>;
}

describe(`crash and resume (seed ${SEED})`, () => {
  let reference: Reference;

  beforeAll(async () => {
    console.log(`crash-resume: seed ${SEED}; kill after ${KILL_AFTER.join(', ')} completed steps; chain ${CHAIN.first} + ${CHAIN.more}`);
    const dir = project();
    const result = await start(['run', 'crash.js', ...RUN_FLAGS, '--json'], dir).done;
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'completed', agentCount: AGENTS, cachedCount: 0 });
    const ends = agentEnds(summary.runDir);
    expect(ends).toHaveLength(AGENTS);
    expect(ends.every((end) => end.cached === undefined && end.status === 'completed')).toBe(true);
    expect(summary.result).toHaveLength(ITEMS);
    expect(summary.result[9]).toBe('done: polish nine');
    expect(summary.result[42]).toBe('done: polish done: draft 42');
    reference = { result: summary.result, keys: new Set(ends.map((end) => end.key!)) };
    expect(reference.keys.size).toBe(AGENTS);
  }, 60_000);

  test.each(KILL_AFTER.map((k, trial) => [trial + 1, k]))(
    `R1 C4 trial %i (seed ${SEED}): SIGKILL after %i completed steps, then wf resume: the reference result, nothing completed is dispatched again`,
    async (_trial, k) => {
      const dir = project();
      const killed = await runAndKill(dir, ['run', 'crash.js', ...RUN_FLAGS], (ends) => ends.filter((end) => end.status === 'completed').length >= k);
      expect(killed.completed.size).toBeGreaterThanOrEqual(k);
      expect(killed.completed.size).toBeLessThan(AGENTS);

      const summary = await resume(dir, killed.runId);
      expect(runIds(dir)).toEqual([killed.runId, summary.runId].sort());
      const ends = checkFinished(summary, reference);
      expect(redispatched(ends, killed.completed)).toEqual([]);
      // Every step the killed run completed is reused (from its journal, or the cache it wrote).
      const reused = ends.filter((end) => end.cached !== undefined);
      expect(reused.length).toBeGreaterThanOrEqual(killed.completed.size);
      expect(summary.cachedCount).toBe(reused.length);
      for (const end of reused) expect(end.cached!.runId).toBe(killed.runId);
    },
    60_000,
  );

  test(`R1 C4 chained (seed ${SEED}): run, kill, resume, kill the resume, resume the resumed run: the reference result, nothing completed in either killed run is dispatched again`, async () => {
    const dir = project();
    const first = await runAndKill(dir, ['run', 'crash.js', ...RUN_FLAGS], (ends) => ends.filter((end) => end.status === 'completed').length >= CHAIN.first);
    expect(first.completed.size).toBeLessThan(AGENTS - 20);

    // Kill the resume once it has replayed every step the first run completed and run `more` live.
    const second = await runAndKill(dir, ['resume', first.runId, ...RUN_FLAGS], (ends) => {
      const done = completedKeys(ends);
      const live = ends.filter((end) => end.status === 'completed' && end.cached === undefined).length;
      return live >= CHAIN.more && [...first.completed].every((key) => done.has(key));
    });
    expect(redispatched(second.ends, first.completed)).toEqual([]);
    expect(second.completed.size).toBeLessThan(AGENTS);

    const summary = await resume(dir, second.runId);
    expect(runIds(dir)).toEqual([first.runId, second.runId, summary.runId].sort());
    const ends = checkFinished(summary, reference);
    const before = new Set([...first.completed, ...second.completed]);
    expect(redispatched(ends, before)).toEqual([]);
    expect(ends.filter((end) => end.cached !== undefined).length).toBeGreaterThanOrEqual(before.size);
    // What the first run produced is still credited to it, two resumes later.
    for (const end of ends) {
      if (end.key && first.completed.has(end.key)) expect(end.cached!.runId).toBe(first.runId);
    }
  }, 90_000);
});
