/**
 * The library API of wf. The CLI is one client of it; tests and other tools are others.
 * Each function takes one options object; errors are WfError subclasses (see ./errors.ts).
 */
import { realpathSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { compileWorkflow } from './compile/index.js';
import type { CompiledWorkflow, WorkflowMeta } from './compile/compiled-workflow.js';
import {
  defaultDiscoveryOptions,
  isPathArgument,
  resolveWorkflow,
  UnknownWorkflowError,
  WORKFLOW_EXTENSIONS,
  type DiscoveryOptions,
} from './discovery/index.js';
import { WfUsageError } from './errors.js';
import { runWorkflow, type RunOptions, type WorkflowLoader } from './engine/run.js';
import type { RunSummary } from './engine/run-summary.js';
import type { Dispatcher, Usage } from './dispatch/dispatcher.js';
import { projectDir, runsDirFor } from './runs/project-dir.js';
import { CACHE_DIRNAME, FileCacheStore } from './cache/file-store.js';
import { validatorFor } from './schema/index.js';

export { WfError, WfUsageError, WfValidationError, type Diagnostic, type ErrorData, type SourceLocation } from './errors.js';
export type { CompiledWorkflow, WorkflowMeta, PhaseMeta } from './compile/compiled-workflow.js';
export { compileWorkflow, validateWorkflowFile } from './compile/index.js';
export { listWorkflows, resolveWorkflow, type Listing, type WorkflowEntry, type DiscoveryOptions } from './discovery/index.js';
export { runWorkflow, type RunOptions, type WorkflowLoader } from './engine/run.js';
export type { RunSummary, RunStatus, PhaseSummary } from './engine/run-summary.js';
export type { RunEvent, RunEventListener, AgentStatus } from './engine/events.js';
export type { Dispatcher, AgentRequest, AgentReply, AgentEvent, Usage, Effort } from './dispatch/dispatcher.js';
export { AgentStoppedError } from './dispatch/dispatcher.js';
export { InvalidWorkflowError, UnknownWorkflowError, WorkflowNotFoundError } from './discovery/index.js';
export { WfSchemaError } from './schema/index.js';
export { AgentLimitError, AgentOptionsError, BudgetExhaustedError, RunStoppedError, StructuredOutputError } from './engine/errors.js';
export { createSimulator } from './dispatch/simulate.js';
export { loadMockFile } from './dispatch/mock-file.js';
export { parseDuration } from './engine/duration.js';
export { resolveConcurrency, defaultConcurrency } from './engine/limits.js';
export { runsDirFor, projectDir } from './runs/project-dir.js';
export type { CacheStore, CacheEntry, CacheLookup, CacheListing, CacheStats, CacheLease } from './cache/store.js';
export { FileCacheStore, CACHE_DIRNAME } from './cache/file-store.js';
export { pruneCache, type PruneRules, type PruneResult } from './cache/prune.js';
export { stepKey, KEY_SPEC_VERSION, type StepSpec } from './cache/key.js';
export { parseStepSelector, matchesStep, type StepSelector } from './cache/selector.js';
export { CacheKeyError, CacheStoreError } from './cache/errors.js';
export { ReadsOutsideProjectError, WorkspaceTooLargeError } from './cache/workspace-errors.js';
export type { CacheOptions, ResumeOptions, CachedFrom, LiveReason } from './engine/step-reuse.js';
export { prepareResume, type ResumeRequest, type PreparedResume } from './engine/resume.js';
export { explainRun, type ExplainOptions, type ExplainReport, type ExplainedCall } from './engine/explain.js';
export { UnknownRunError, NothingToResumeError, RunInProgressError } from './runs/errors.js';
export type { DispatchProfile, ProfileRequest, WorktreeChange } from './dispatch/dispatcher.js';
export type { WfConfig } from './config/schema.js';
export { ConfigError, NoModelError, UnknownModelError } from './config/errors.js';

/** Reads and compiles one workflow file. Throws WfValidationError with every problem found. */
export async function loadWorkflowFile(file: string): Promise<CompiledWorkflow> {
  const absolute = resolve(file);
  let source: string;
  try {
    source = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new WfUsageError(`cannot read workflow file ${absolute}: ${(error as Error).message}`);
  }
  return compileWorkflow(source, absolute);
}

/** Resolves a name or path the way `wf run` does (spec §1) and compiles it. */
export async function loadWorkflow(target: string, discovery: DiscoveryOptions = defaultDiscoveryOptions()): Promise<CompiledWorkflow> {
  const { file } = await resolveWorkflow(target, discovery);
  return loadWorkflowFile(file);
}

/**
 * The loader behind `workflow()` (W1, W10): a name is resolved like `wf run <name>`; a
 * `{ scriptPath }` is relative to the calling script's directory, not to the working directory.
 */
export function workflowLoader(discovery: DiscoveryOptions): WorkflowLoader {
  return async (reference, fromFile) => {
    if (typeof reference === 'string') {
      if (isPathArgument(reference)) {
        throw new WfUsageError(`workflow(${JSON.stringify(reference)}): expected a workflow name; to run a file, pass { scriptPath: "./file.js" }`);
      }
      try {
        return await loadWorkflow(reference, discovery);
      } catch (error) {
        // The script learns the name and the suggestions; the directories searched (home, the
        // install location) stay on the host.
        if (!UnknownWorkflowError.isInstance(error)) throw error;
        const suggestions = error.suggestions.length ? `; did you mean ${error.suggestions.map((name) => `"${name}"`).join(' or ')}?` : '';
        throw new UnknownWorkflowError(`unknown workflow "${error.workflowName}"${suggestions}`, {
          workflowName: error.workflowName,
          suggestions: error.suggestions,
          searched: [],
        });
      }
    }
    return loadWorkflowFile(await childScriptFile(reference.scriptPath, fromFile));
  };
}

const MAX_CHILD_SCRIPT_BYTES = 1024 * 1024;

/**
 * The file a `{ scriptPath }` names, confined to workflow files under the calling script's
 * directory. The script chooses this path, and the host reads the file: without the confinement a
 * script could make wf read (and quote in a compile error) any file the user can read. The error is
 * the same whatever is wrong, so it does not tell the script what exists outside.
 */
async function childScriptFile(scriptPath: string, fromFile: string): Promise<string> {
  const refuse = () =>
    new WfUsageError(
      `workflow({ scriptPath: ${JSON.stringify(scriptPath.slice(0, 200))} }): no workflow file there; a child workflow must be a .js, .ts or .mjs file inside the calling workflow's directory, given by a relative path`,
    );
  if (isAbsolute(scriptPath) || !WORKFLOW_EXTENSIONS.some((extension) => scriptPath.endsWith(extension))) throw refuse();
  const base = await realpath(dirname(fromFile)).catch(() => dirname(fromFile));
  try {
    const file = await realpath(resolve(dirname(fromFile), scriptPath));
    const stats = await stat(file);
    if (!file.startsWith(base + sep) || !stats.isFile() || stats.size > MAX_CHILD_SCRIPT_BYTES) throw refuse();
    return file;
  } catch {
    throw refuse();
  }
}

/** Validates `args` against `meta.args` when the workflow declares a schema and args were given (F3 [beyond]). */
export function checkArgs(meta: WorkflowMeta, args: unknown): void {
  // No args at all is always allowed: the script sees `undefined` and applies its own defaults.
  if (!meta.args || args === undefined) return;
  const result = validatorFor(meta.args)(args);
  if (!result.ok) {
    throw new WfUsageError(`the arguments do not match meta.args of workflow "${meta.name}": ${result.errors}`, {
      hint: `see \`wf show ${meta.name}\` for the arguments it takes`,
    });
  }
}

export interface RunTargetOptions extends Omit<RunOptions, 'workflow' | 'runsDir' | 'loadWorkflow'> {
  /** A workflow name or a path to a `.js`/`.ts` file. */
  target: string;
  discovery?: DiscoveryOptions;
  /** Defaults to `<project>/.boocode/runs` for the discovery cwd. */
  runsDir?: string;
}

/** What answers a run's agents when real models do (`wf run` without `--dry-run`/`--mock`). */
export interface ModelSetup {
  dispatcher: Dispatcher;
  /** The run's default model (`provider/model`) and where it came from (`--model`, a config file, detection). */
  model: string;
  source: string;
  /** USD of a call from the price table (config `prices` over the built-in one). */
  costOf: (model: string, usage: Usage) => number | undefined;
}

/**
 * The dispatcher `wf run` uses with real models: the project's and user's config files, the
 * default model (`model` > WF_MODEL > config > auto-detection) and the price table (docs/models.md).
 * Pass its `dispatcher`, `model` and `costOf` to {@link run}. Throws NoModelError (code
 * WF_NO_MODEL) when nothing is configured or found, ConfigError for a bad config file.
 */
export async function configuredModels(options: { cwd?: string; model?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ModelSetup> {
  // Imported on demand: config validation and the AI SDK are the heaviest parts of wf, and
  // dry runs, mocks and the other commands do not need them.
  const [{ loadConfig }, { chooseModel }, { costOf, priceFor, priceTable }, { createConfiguredDispatcher }] = await Promise.all([
    import('./config/load.js'),
    import('./config/choose-model.js'),
    import('./config/prices.js'),
    import('./config/dispatcher.js'),
  ]);
  const env = options.env ?? process.env;
  const projectRoot = realpathSync(projectDir(options.cwd ?? process.cwd()));
  const loaded = loadConfig({ projectRoot });
  const choice = await chooseModel({ ...(options.model === undefined ? {} : { flag: options.model }), env, loaded });
  const prices = priceTable(loaded.config);
  return {
    dispatcher: createConfiguredDispatcher({ loaded, env, projectRoot, defaultModel: choice.model }),
    model: choice.model,
    source: choice.source,
    costOf: (model, usage) => {
      const price = priceFor(model, prices);
      return price === undefined ? undefined : costOf(usage, price);
    },
  };
}

/** The step cache of the project that `cwd` belongs to: `<project>/.boocode/cache`. */
export function projectCacheStore(cwd: string): FileCacheStore {
  return new FileCacheStore(join(projectDir(cwd), CACHE_DIRNAME));
}

/**
 * Resolves, compiles, checks args and runs a workflow: what `wf run` does, without the terminal.
 * Like `wf run`, it reuses and fills the project's step cache unless `cache` says otherwise
 * (`cache: {}` for none).
 */
export async function run(options: RunTargetOptions): Promise<RunSummary> {
  const discovery = options.discovery ?? defaultDiscoveryOptions();
  const workflow = await loadWorkflow(options.target, discovery);
  checkArgs(workflow.meta, options.args);
  return runWorkflow({
    ...options,
    workflow,
    runsDir: options.runsDir ?? runsDirFor(discovery.cwd),
    cache: options.cache ?? { store: projectCacheStore(discovery.cwd) },
    loadWorkflow: workflowLoader(discovery),
  });
}
export { prewarmSandbox, discardSpareSandbox } from './sandbox/host.js';
export { releaseCompiler } from './compile/index.js';
