/**
 * Preparing `wf resume <runId>` (spec C4): the stored run's frozen script and args (or
 * replacements), what it may reuse, and the refusals: an unknown run or one with nothing completed
 * ("nothing to resume", never a silent fresh start), and a run still in progress.
 */
import { join } from 'node:path';
import { ReplaySource } from '../cache/replay-source.js';
import type { StepSelector } from '../cache/selector.js';
import { compileWorkflow } from '../compile/index.js';
import type { CompiledWorkflow } from '../compile/compiled-workflow.js';
import { NothingToResumeError } from '../runs/errors.js';
import { assertNotRunning, loadStoredRun, type StoredRun } from '../runs/stored-run.js';
import type { WorkflowLoader } from './run.js';
import type { ResumeOptions } from './step-reuse.js';

export interface ResumeRequest {
  runsDir: string;
  runId: string;
  mode?: 'content' | 'prefix';
  from?: StepSelector;
  /** A replacement script (`--script`); default the run's stored copy. */
  workflow?: CompiledWorkflow;
}

export interface PreparedResume {
  stored: StoredRun;
  workflow: CompiledWorkflow;
  /** The stored args (the caller may replace them). */
  args: unknown;
  resume: ResumeOptions;
  /** What differs from the stored run, for the user: "the script". */
  changes: string[];
  /** Resolves child workflows as if the stored script still lived where it ran from. */
  childLoader(loader: WorkflowLoader): WorkflowLoader;
}

/** How many runs back a chain of resumes is followed. */
const MAX_ANCESTORS = 32;

export async function prepareResume(request: ResumeRequest): Promise<PreparedResume> {
  const stored = await loadStoredRun(request.runsDir, request.runId);
  assertNotRunning(stored);
  const source = new ReplaySource(stored.runId, stored.events, await ancestorsOf(request.runsDir, stored));
  if (source.completedCount === 0) throw new NothingToResumeError(stored.runId);
  const storedCopy = join(stored.dir, stored.scriptName);
  // The stored copy is what ran, so errors point into it (its lines are the ones that ran).
  const workflow = request.workflow ?? (await compileWorkflow(stored.source, storedCopy));
  const changes: string[] = [];
  if (request.workflow && request.workflow.source !== stored.source) changes.push('the script');
  const home = stored.record.file;
  return {
    stored,
    workflow,
    args: stored.args,
    resume: { source, mode: request.mode ?? 'content', ...(request.from ? { from: request.from } : {}) },
    changes,
    childLoader: (loader) => (reference, fromFile) => loader(reference, fromFile === storedCopy && home ? home : fromFile),
  };
}

/** The runs `run` resumed, nearest first (each one's own journal; a missing one ends the chain). */
async function ancestorsOf(runsDir: string, run: StoredRun): Promise<ReplaySource[]> {
  const ancestors: ReplaySource[] = [];
  const seen = new Set([run.runId]);
  let current = run;
  while (ancestors.length < MAX_ANCESTORS) {
    const parentId = resumedFrom(current);
    if (parentId === undefined || seen.has(parentId)) break;
    seen.add(parentId);
    try {
      current = await loadStoredRun(runsDir, parentId);
    } catch {
      break;
    }
    ancestors.push(new ReplaySource(current.runId, current.events));
  }
  return ancestors;
}

function resumedFrom(run: StoredRun): string | undefined {
  const start = run.events.find((event) => event.type === 'run-start');
  const from = (start?.resumedFrom as { runId?: unknown } | undefined)?.runId;
  return typeof from === 'string' ? from : undefined;
}
