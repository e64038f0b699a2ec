/**
 * `wf explain` (spec C5): runs a workflow with every agent answered only from the cache, and says
 * per call whether a real run would reuse it (and from where) or run it live (and why: which spec
 * fields differ from the closest cached call). No model is called and nothing is written: the run
 * directory is a temporary one, and the cache is only read.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closestCandidate, diffSpecs, type SpecCandidate, type SpecDifference } from '../cache/explain.js';
import type { StepSpec } from '../cache/key.js';
import type { StepSelector } from '../cache/selector.js';
import type { CacheStore } from '../cache/store.js';
import type { CompiledWorkflow } from '../compile/compiled-workflow.js';
import type { AgentReply, AgentRequest, Dispatcher } from '../dispatch/dispatcher.js';
import { ZERO_USAGE } from '../dispatch/dispatcher.js';
import { readAgentRecords } from '../runs/agent-records.js';
import { minimalInstance } from '../schema/minimal-instance.js';
import type { AgentRecord } from './agent-call.js';
import { runWorkflow, type WorkflowLoader } from './run.js';
import type { CachedFrom, LiveReason, ResumeOptions } from './step-reuse.js';
import type { RunStatus } from './run-summary.js';

export interface ExplainOptions {
  workflow: CompiledWorkflow;
  args: unknown;
  /** The dispatcher a real run would use: it decides models and harness, so keys match a real run. */
  dispatcher: Dispatcher;
  model?: string;
  store: CacheStore | null;
  projectRoot: string;
  refresh?: StepSelector[];
  resume?: ResumeOptions;
  /** Agent records of the resumed run, compared with misses as well as the cache's entries. */
  resumedRecords?: AgentRecord[];
  loadWorkflow?: WorkflowLoader;
}

export type ExplainedCall =
  | { index: number; label: string; phase: string | null; key?: string; outcome: 'hit'; from: CachedFrom }
  | {
      index: number;
      label: string;
      phase: string | null;
      key?: string;
      outcome: 'live';
      reason: LiveReason | 'depends' | 'refused';
      /** For `depends`: the live calls whose (unknown) results its prompt uses. */
      dependsOn?: number[];
      /** For a changed call: the cached call it was compared with and what differs. */
      closest?: { runId: string; index: number; label: string };
      differences?: SpecDifference[];
      estimatedTokens: { input: number; output?: number };
    };

export interface ExplainReport {
  workflow: string;
  calls: ExplainedCall[];
  hits: number;
  live: number;
  estimatedTokens: { input: number; output: number; outputUnknown: number };
  /** How the script ended when run against the cache (a live call's placeholder may derail it). */
  status: RunStatus;
  error?: string;
}

const MARKER = (index: number) => `⟪live result of #${index}⟫`;
const MARKER_PATTERN = /⟪live result of #(\d+)⟫/g;

export async function explainRun(options: ExplainOptions): Promise<ExplainReport> {
  const runsDir = await mkdtemp(join(tmpdir(), 'wf-explain-'));
  try {
    const summary = await runWorkflow({
      workflow: options.workflow,
      args: options.args,
      dispatcher: explainDispatcher(options.dispatcher),
      ...(options.model === undefined ? {} : { model: options.model }),
      runsDir,
      projectRoot: options.projectRoot,
      cache: { store: options.store, read: true, write: false, ...(options.refresh ? { refresh: options.refresh } : {}) },
      ...(options.resume ? { resume: options.resume } : {}),
      ...(options.loadWorkflow ? { loadWorkflow: options.loadWorkflow } : {}),
      stopGraceMs: 200,
    });
    const records = await readAgentRecords(summary.runDir);
    const candidates = await gatherCandidates(options.store, options.resumedRecords ?? [], options.resume?.source.runId, options.workflow.meta.name);
    const calls = records.map((record) => explainCall(record, options.workflow.meta.name, candidates));
    const live = calls.filter((call) => call.outcome === 'live');
    const estimatedTokens = { input: 0, output: 0, outputUnknown: 0 };
    for (const call of live) {
      if (call.outcome !== 'live') continue;
      estimatedTokens.input += call.estimatedTokens.input;
      if (call.estimatedTokens.output === undefined) estimatedTokens.outputUnknown += 1;
      else estimatedTokens.output += call.estimatedTokens.output;
    }
    return {
      workflow: options.workflow.meta.name,
      calls,
      hits: calls.length - live.length,
      live: live.length,
      estimatedTokens,
      status: summary.status,
      ...(summary.error ? { error: summary.error.message } : {}),
    };
  } finally {
    await rm(runsDir, { recursive: true, force: true });
  }
}

/**
 * Keys come from the real dispatcher's profile; a live call gets a marker (text) or a minimal
 * valid object (schema), so the script goes on and later calls that use it can be told apart.
 */
function explainDispatcher(real: Dispatcher): Dispatcher {
  return {
    name: real.name,
    ...(real.profile ? { profile: real.profile.bind(real) } : {}),
    run: async (request: AgentRequest): Promise<AgentReply> => ({
      output: request.schema ? minimalInstance(request.schema) : MARKER(request.index),
      usage: { ...ZERO_USAGE },
    }),
  };
}

function explainCall(record: AgentRecord, workflow: string, candidates: SpecCandidate[]): ExplainedCall {
  const base = { index: record.index, label: record.label, phase: record.phase, ...(record.key ? { key: record.key } : {}) };
  if (record.reuse?.decision === 'hit') return { ...base, outcome: 'hit', from: record.reuse.from };
  const estimatedInput = Math.ceil((record.prompt.length + (record.options.schema ? JSON.stringify(record.options.schema).length : 0)) / 4);
  if (!record.spec) {
    return { ...base, outcome: 'live', reason: 'refused', estimatedTokens: { input: 0 } };
  }
  const dependsOn = [...record.prompt.matchAll(MARKER_PATTERN)].map((match) => Number(match[1]));
  const reason = (record.reuse?.decision === 'live' ? record.reuse.reason : 'new') as LiveReason;
  const closest = closestCandidate(record.spec, { label: record.label, index: record.index, workflow }, candidates);
  const estimatedTokens = { input: estimatedInput, ...(closest?.outputTokens === undefined ? {} : { output: closest.outputTokens }) };
  if (dependsOn.length > 0 && reason === 'new') {
    return { ...base, outcome: 'live', reason: 'depends', dependsOn: [...new Set(dependsOn)], estimatedTokens };
  }
  if (!closest) return { ...base, outcome: 'live', reason, estimatedTokens };
  const differences = diffSpecs(closest.spec, record.spec);
  return {
    ...base,
    outcome: 'live',
    reason,
    closest: { runId: closest.runId, index: closest.index, label: closest.label },
    ...(differences.length ? { differences } : {}),
    estimatedTokens,
  };
}

async function gatherCandidates(store: CacheStore | null, resumed: AgentRecord[], resumedRunId: string | undefined, workflow: string): Promise<SpecCandidate[]> {
  const candidates: SpecCandidate[] = [];
  for (const record of resumed) {
    if (!record.spec || record.status !== 'completed' || !resumedRunId) continue;
    candidates.push({ spec: record.spec, label: record.label, index: record.index, runId: resumedRunId, workflow, ...(record.usage ? { outputTokens: record.usage.output } : {}) });
  }
  if (store) {
    for await (const listing of store.list()) {
      if (!listing.ok) continue;
      const { entry } = listing;
      candidates.push({
        spec: entry.spec as unknown as StepSpec,
        label: entry.producer.label,
        index: entry.producer.index,
        runId: entry.producer.runId,
        workflow: entry.producer.workflow,
        outputTokens: entry.usage.output,
      });
    }
  }
  return candidates;
}

