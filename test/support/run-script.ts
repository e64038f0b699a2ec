/**
 * Runs an inline workflow script through the real pipeline (compile → sandbox child → engine) with
 * the scripted mock dispatcher, in a throw-away project directory. Tests assert on the summary,
 * the events, the dispatcher's recorded calls and the run directory.
 */
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileWorkflow } from '../../src/compile/index.js';
import type { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { runWorkflow, type RunOptions } from '../../src/engine/run.js';
import type { RunEvent } from '../../src/engine/events.js';
import type { RunSummary } from '../../src/engine/run-summary.js';
import { workflowLoader } from '../../src/index.js';
import { readJournal, type JournalEvent } from '../../src/runs/journal.js';
import { ScriptedDispatcher } from '../../src/testing/scripted-dispatcher.js';
import type { MockRule } from '../../src/testing/mock-rule.js';

export const DEFAULT_META = 'export const meta = { name: "test", description: "a test workflow" };';

export interface ScriptRun {
  summary: RunSummary;
  dispatcher: ScriptedDispatcher;
  events: RunEvent[];
  logs: string[];
  journal: JournalEvent[];
  projectDir: string;
  agentRecords(): Array<Record<string, any>>;
}

export interface RunScriptOptions extends Partial<Omit<RunOptions, 'workflow' | 'dispatcher' | 'runsDir'>> {
  rules?: MockRule[];
  dispatcher?: ScriptedDispatcher;
  /** Other workflow files, by file name, placed in the project's .boocode/workflows/. */
  files?: Record<string, string>;
  /** Called with the dispatcher as soon as the run starts (to stop or release held agents). */
  during?: (dispatcher: ScriptedDispatcher, stop: () => void) => void | Promise<void>;
  fileName?: string;
  /** Run in this existing project (from an earlier run) instead of a fresh one. */
  projectDir?: string;
}

/** A fresh project directory with `.boocode/workflows/` holding `files`. */
export function makeProject(files: Record<string, string> = {}): string {
  const projectDir = mkdtempSync(join(tmpdir(), 'wf-test-'));
  const workflowsDir = join(projectDir, '.boocode', 'workflows');
  mkdirSync(workflowsDir, { recursive: true });
  mkdirSync(join(projectDir, 'home'));
  mkdirSync(join(projectDir, 'catalog'));
  for (const [name, source] of Object.entries(files)) writeFileSync(join(workflowsDir, name), source);
  return projectDir;
}

/** Prefixes a one-line meta when the source has none, keeping the body's line numbers. */
export function withMeta(source: string): string {
  return /^\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/|\s)*export\s+const\s+meta\b/.test(source) ? source : `${DEFAULT_META} ${source}`;
}

export async function runScript(source: string, options: RunScriptOptions = {}): Promise<ScriptRun> {
  const projectDir = options.projectDir ?? makeProject(options.files);
  const file = join(projectDir, '.boocode', 'workflows', options.fileName ?? 'test.js');
  const text = withMeta(source);
  writeFileSync(file, text);
  const workflow = await compileWorkflow(text, file);
  const dispatcher = options.dispatcher ?? new ScriptedDispatcher({ rules: options.rules ?? [] });
  const events: RunEvent[] = [];
  const controller = new AbortController();
  const discovery = { cwd: projectDir, homeDir: join(projectDir, 'home'), catalogDir: join(projectDir, 'catalog') };
  const { rules: _rules, files: _files, during, fileName: _fileName, dispatcher: _dispatcher, projectDir: _projectDir, ...rest } = options;
  const running = runWorkflow({
    runsDir: join(projectDir, '.boocode', 'runs'),
    loadWorkflow: workflowLoader(discovery),
    concurrency: 16,
    ...rest,
    workflow,
    dispatcher: dispatcher as Dispatcher,
    signal: options.signal ?? controller.signal,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  if (during) await during(dispatcher, () => controller.abort());
  const summary = await running;
  const journal = await readJournal(join(summary.runDir, 'journal.jsonl'));
  return {
    summary,
    dispatcher,
    events,
    logs: events.flatMap((event) => (event.type === 'log-write' ? [event.line] : [])),
    journal,
    projectDir,
    agentRecords: () => agentRecordsIn(summary.runDir),
  };
}

/** The result of a script that must complete; fails the test with the run's error otherwise. */
export async function resultOf(source: string, options: RunScriptOptions = {}): Promise<unknown> {
  const { summary } = await runScript(source, options);
  if (summary.status !== 'completed') {
    throw new Error(`expected the run to complete, got ${summary.status}: ${JSON.stringify(summary.error)}`);
  }
  return summary.result;
}

/** The error of a script that must fail. */
export async function errorOf(source: string, options: RunScriptOptions = {}) {
  const { summary } = await runScript(source, options);
  if (summary.status !== 'failed') throw new Error(`expected the run to fail, got ${summary.status}: ${JSON.stringify(summary.result)}`);
  return summary.error!;
}

/** The agent records of a run directory (`agents.jsonl`, the last line of each index), by index. */
export function agentRecordsIn(runDir: string): Array<Record<string, unknown> & { index: number }> {
  const latest = new Map<number, Record<string, unknown> & { index: number }>();
  for (const line of readFileSync(join(runDir, 'agents.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as Record<string, unknown> & { index: number };
    latest.set(record.index, record);
  }
  return [...latest.values()].sort((a, b) => a.index - b.index);
}
