/**
 * Shared helpers of the benchmark harness (`npm run bench`): statistics, throw-away projects,
 * in-process runs against the built library, and whole-process runs of `node bin/wf.js` with their
 * wall time and the peak RSS of their process tree. Nothing here touches the network.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWorkflow } from '../dist/engine/run.js';
import { compileWorkflow } from '../dist/compile/index.js';
import { ScriptedDispatcher } from '../dist/testing/scripted-dispatcher.js';
import { prewarmSandbox } from '../dist/sandbox/host.js';

export const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
export const WF_BIN = join(REPO, 'bin', 'wf.js');

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function summarize(samples) {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export const now = () => performance.now();

export async function timed(fn) {
  const start = now();
  const value = await fn();
  return { ms: now() - start, value };
}

// ---------------------------------------------------------------------------------------------
// Throw-away projects
// ---------------------------------------------------------------------------------------------

const created = new Set();

/**
 * A fresh project directory: `<tmp>/wf-bench-<label>-XXXX/.boocode/workflows/`. A fresh one per
 * sample keeps samples independent: no step cache or run directory is shared by accident.
 */
export function tempProject(label, workflows = {}) {
  const dir = mkdtempSync(join(tmpdir(), `wf-bench-${label}-`));
  created.add(dir);
  const workflowsDir = join(dir, '.boocode', 'workflows');
  mkdirSync(workflowsDir, { recursive: true });
  for (const [name, source] of Object.entries(workflows)) writeFileSync(join(workflowsDir, name), source);
  return {
    dir,
    workflowsDir,
    runsDir: join(dir, '.boocode', 'runs'),
    cacheDir: join(dir, '.boocode', 'cache'),
    file: (name) => join(workflowsDir, name),
    write(relative, text) {
      const path = join(dir, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
      created.delete(dir);
    },
  };
}

/** Removes every project still around (also on a failed benchmark), so /tmp does not fill up. */
export function removeTempProjects() {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
  created.clear();
}

/** A workflow source with the meta every bench workflow needs. */
export function workflowSource(name, body) {
  return `export const meta = { name: '${name}', description: 'bench' };\n${body}\n`;
}

// ---------------------------------------------------------------------------------------------
// In-process runs
// ---------------------------------------------------------------------------------------------

/**
 * The scripted mock, plus when dispatching began and ended. The gap between a run's wall and
 * `lastEnd - firstStart` is what the run costs outside the agents (sandbox start, journal close).
 */
export class TimedDispatcher extends ScriptedDispatcher {
  firstStart = undefined;
  lastEnd = undefined;

  async run(request, signal, onEvent) {
    this.firstStart ??= now();
    try {
      return await super.run(request, signal, onEvent);
    } finally {
      this.lastEnd = now();
    }
  }
}

export { compileWorkflow, runWorkflow };

/** Compiles `body` as workflow `name` inside `project` (the file need not exist). */
export function compileIn(project, name, body) {
  return compileWorkflow(workflowSource(name, body), project.file(`${name}.js`));
}

/**
 * Runs a compiled workflow and returns its wall time. A run that does not complete, or completes
 * with other than the expected agent count or result, is a broken benchmark, not a slow one: it
 * throws.
 */
export async function timedRun(options, expect = {}) {
  const startedAt = now();
  const { ms, value: summary } = await timed(() => runWorkflow({ stopGraceMs: 2000, ...options }));
  if (summary.status !== 'completed') {
    throw new Error(`run ${summary.status}: ${summary.error ? `${summary.error.name}: ${summary.error.message}` : 'no error'}`);
  }
  if (expect.agents !== undefined && summary.agentCount !== expect.agents) {
    throw new Error(`expected ${expect.agents} agents, the run had ${summary.agentCount}`);
  }
  if ('result' in expect && summary.result !== expect.result) {
    throw new Error(`expected the result ${JSON.stringify(expect.result)}, the run returned ${JSON.stringify(summary.result)}`);
  }
  return { ms, summary, startedAt, endedAt: startedAt + ms };
}

// ---------------------------------------------------------------------------------------------
// Whole-process runs
// ---------------------------------------------------------------------------------------------

let emptyHome;

/**
 * The environment of a spawned wf: an empty HOME (no user workflows or config of whoever runs the
 * bench change what is listed or resolved) and none of the WF_* variables of the caller.
 */
export function isolatedEnv(extra = {}) {
  emptyHome ??= tempProject('home').dir;
  const env = { ...process.env, HOME: emptyHome, ...extra };
  for (const key of Object.keys(env)) if (key.startsWith('WF_') && !(key in extra)) delete env[key];
  return env;
}

/**
 * Spawns `command args` in `cwd` and resolves when it exits, with its wall time (spawn to exit, as
 * a shell's `time` would say) and its output. With `pollRss`, also the peak of the summed RSS of
 * the process and all its descendants (sandbox child, esbuild service) while it ran.
 */
export function measureProcess(command, args, { cwd, env = isolatedEnv(), pollRss = false } = {}) {
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    const rss = pollRss ? new RssPoller(child.pid) : undefined;
    child.on('error', (error) => {
      rss?.stop();
      reject(error);
    });
    child.on('close', (code, signal) => {
      const ms = now() - start;
      rss?.stop();
      resolve({
        ms,
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        ...(rss ? { rss: rss.result() } : {}),
      });
    });
  });
}

/** `node bin/wf.js ...args`; a non-zero exit is a broken benchmark, so it throws with the stderr. */
export async function runWf(args, options) {
  const result = await measureProcess(process.execPath, [WF_BIN, ...args], options);
  if (result.code !== 0) {
    throw new Error(`wf ${args.join(' ')} exited with ${result.code ?? result.signal}:\n${result.stderr.slice(-2000)}`);
  }
  return result;
}

const RSS_POLL_MS = 20;

/**
 * Polls the RSS of a process tree from /proc (Linux only). Every tick it maps parents to children
 * from /proc/<pid>/stat, walks down from the root and sums VmRSS. A poll can miss a peak shorter
 * than its interval; at 20 ms, that is well under the life of a run's sandbox or esbuild child.
 */
class RssPoller {
  constructor(rootPid) {
    this.rootPid = rootPid;
    this.peakBytes = 0;
    this.rootPeakBytes = 0;
    this.descendantsPeakBytes = 0;
    this.pidsSeen = new Set();
    this.polls = 0;
    this.timer = setInterval(() => this.poll(), RSS_POLL_MS);
    this.poll();
  }

  poll() {
    const children = new Map();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readProc(`/proc/${entry}/stat`);
      if (stat === undefined) continue;
      // The command name, in parentheses, may hold spaces; the fields after it are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    }
    let total = 0;
    let root = 0;
    const queue = [this.rootPid];
    while (queue.length > 0) {
      const pid = queue.pop();
      const bytes = vmRssBytes(pid);
      if (bytes === undefined) continue;
      this.pidsSeen.add(pid);
      if (pid === this.rootPid) root = bytes;
      total += bytes;
      queue.push(...(children.get(pid) ?? []));
    }
    this.polls++;
    this.peakBytes = Math.max(this.peakBytes, total);
    this.rootPeakBytes = Math.max(this.rootPeakBytes, root);
    this.descendantsPeakBytes = Math.max(this.descendantsPeakBytes, total - root);
  }

  stop() {
    clearInterval(this.timer);
  }

  result() {
    return {
      peakBytes: this.peakBytes,
      rootPeakBytes: this.rootPeakBytes,
      descendantsPeakBytes: this.descendantsPeakBytes,
      processes: this.pidsSeen.size,
      polls: this.polls,
    };
  }
}

function readProc(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

function vmRssBytes(pid) {
  const status = readProc(`/proc/${pid}/status`);
  const match = status && /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  // A zombie has no VmRSS line: it holds no memory any more.
  return match ? Number(match[1]) * 1024 : status === undefined ? undefined : 0;
}

/**
 * Flushes dirty pages (sync(1)) before a sample. Most figures pay for file writes and an fdatasync
 * per agent; without this, the write-back of the previous sample (tens of thousands of files
 * written and removed) lands in the next one's fsyncs. Best effort: no sync(1), no settling.
 */
export function settleDisk() {
  spawnSync('sync', { stdio: 'ignore' });
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/** Progress goes to stderr so stdout holds only the table. */
export function progress(message) {
  process.stderr.write(`${message}\n`);
}

/**
 * A scheduling figure (fan-out, pipeline): runs `body` with every agent taking `delayMs`, no step
 * cache, and reports the whole wall over `idealMs`, with where the rest went as extras: the
 * dispatch span (the queue's own efficiency), time before the first dispatch (fixed start-up) and
 * after the last answer (bookkeeping), and the most agents in flight at once.
 */
export function schedulingBenchmark({ name, label, workload, body, agents, result, delayMs, concurrency, idealMs, target }) {
  return {
    name,
    workload,
    unit: '× ideal',
    target,
    samples: 5,
    async run() {
      const cold = await scheduledRun({ label, body, agents, result, delayMs, concurrency });
      // The same run with the sandbox process booted ahead, as `wf run` does while it compiles.
      prewarmSandbox();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const warm = await scheduledRun({ label, body, agents, result, delayMs, concurrency });
      return {
        value: cold.ms / idealMs,
        extras: {
          wallMs: cold.ms,
          spanRatio: cold.spanMs / idealMs,
          beforeMs: cold.beforeMs,
          afterMs: cold.afterMs,
          maxRunning: cold.maxRunning,
          warmRatio: warm.ms / idealMs,
          warmBeforeMs: warm.beforeMs,
        },
      };
    },
    extras: {
      wallMs: { name: '  … wall', workload: 'whole runWorkflow()', unit: 'ms' },
      spanRatio: { name: '  … dispatch span / ideal', workload: 'first dispatch → last answer', unit: '× ideal' },
      // Below the concurrency, the engine cannot feed the dispatcher as fast as slots free up.
      beforeMs: { name: '  … before the first dispatch', workload: 'run start → first dispatch', unit: 'ms' },
      afterMs: { name: '  … after the last answer', workload: 'last answer → run end', unit: 'ms' },
      maxRunning: { name: '  … most agents at once', workload: `dispatches in flight at once (of ${concurrency})`, unit: '' },
      warmRatio: { name: '  … with a warm sandbox', workload: 'wall / ideal when the sandbox process was booted ahead (prewarmSandbox(), as wf run does)', unit: '× ideal' },
      warmBeforeMs: { name: '  … before the first dispatch, warm', workload: 'run start → first dispatch, sandbox booted ahead', unit: 'ms' },
    },
  };
}

/** One timed run of a scheduling workload in a fresh project, without a step cache. */
async function scheduledRun({ label, body, agents, result, delayMs, concurrency }) {
  const project = tempProject(label);
  try {
    const workflow = await compileIn(project, 'b', body);
    const dispatcher = new TimedDispatcher({ rules: [{ delayMs }] });
    const { ms, startedAt, endedAt } = await timedRun(
      { workflow, dispatcher, runsDir: project.runsDir, projectRoot: project.dir, cache: {}, concurrency, maxAgents: agents },
      { agents, result },
    );
    return {
      ms,
      spanMs: dispatcher.lastEnd - dispatcher.firstStart,
      beforeMs: dispatcher.firstStart - startedAt,
      afterMs: endedAt - dispatcher.lastEnd,
      maxRunning: dispatcher.maxRunning,
    };
  } finally {
    project.remove();
  }
}
