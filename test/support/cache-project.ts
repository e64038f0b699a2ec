/**
 * A throw-away project whose runs share one step cache, for cache and resume tests: run a script,
 * run it again (or an edited version), resume a run, and look at what was dispatched live.
 */
import { join } from 'node:path';
import { FileCacheStore } from '../../src/cache/file-store.js';
import { compileWorkflow } from '../../src/compile/index.js';
import { prepareResume } from '../../src/engine/resume.js';
import type { StepSelector } from '../../src/cache/selector.js';
import type { JournalEvent } from '../../src/runs/journal.js';
import { makeProject, runScript, withMeta, type RunScriptOptions, type ScriptRun } from './run-script.js';

export interface ResumeRunOptions extends RunScriptOptions {
  mode?: 'content' | 'prefix';
  from?: StepSelector;
  /** Replacement args; default the stored ones. */
  newArgs?: unknown;
}

export class CacheProject {
  readonly dir: string;
  readonly store: FileCacheStore;
  readonly runsDir: string;

  /** `files`: other workflow files, by name, in the project's .boocode/workflows/. */
  constructor(files: Record<string, string> = {}) {
    this.dir = makeProject(files);
    this.store = new FileCacheStore(join(this.dir, '.boocode', 'cache'));
    this.runsDir = join(this.dir, '.boocode', 'runs');
  }

  /** `wf run`: reuses the project's cache unless options.cache says otherwise. */
  run(source: string, options: RunScriptOptions = {}): Promise<ScriptRun> {
    return runScript(source, { cache: { store: this.store }, ...options, projectDir: this.dir });
  }

  /** `wf resume <runId>` with `source` as the (possibly edited) script, or the stored one. */
  async resume(runId: string, source: string | null, options: ResumeRunOptions = {}): Promise<ScriptRun> {
    const { mode, from, newArgs, ...rest } = options;
    const workflow = source === null ? undefined : await compileWorkflow(withMeta(source), join(this.dir, '.boocode', 'workflows', 'test.js'));
    const prepared = await prepareResume({ runsDir: this.runsDir, runId, ...(mode ? { mode } : {}), ...(from ? { from } : {}), ...(workflow ? { workflow } : {}) });
    return runScript(prepared.workflow.source, {
      cache: { store: this.store },
      ...rest,
      args: 'newArgs' in options ? newArgs : prepared.args,
      resume: prepared.resume,
      projectDir: this.dir,
    });
  }
}

/** Agent-end journal lines of a run. */
export function agentEnds(run: ScriptRun): JournalEvent[] {
  return run.journal.filter((event) => event.type === 'agent-end');
}

/** Prompts the run dispatched live, in dispatch order. */
export function dispatched(run: ScriptRun): string[] {
  return run.dispatcher.calls.map((call) => call.prompt);
}
