/**
 * Finding a project's runs and telling what state each is in, for the commands that watch and
 * manage runs (`wf runs`, `inspect`, `status`, `wait`, `result`, `stop`, `logs`). A run is named by
 * its id, a unique prefix of it, or `last` (the newest run). Its state comes from `run.json`, with
 * one correction: a run whose record says `running` but whose process is gone (kill -9, a crash, a
 * reboot) is `interrupted`, which is what the user needs to know (it can be resumed, C4).
 */
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ErrorData } from '../errors.js';
import type { ModelUsage, PhaseSummary, RunStatus } from '../engine/run-summary.js';
import type { Usage } from '../dispatch/dispatcher.js';
import { AmbiguousRunError, NoRunsError, UnknownRunError } from './errors.js';
import { isProcessId, processAlive } from '../process-alive.js';
import { RUN_ID_PATTERN } from './run-id.js';

/** What a run is doing now: its recorded status, or `interrupted` when its process died mid-run. */
export type RunState = RunStatus | 'interrupted';

/**
 * `run.json` as written by the engine: the identity fields from the start, the summary fields
 * (agentCount … durationMs) once the run has ended. Every field is optional: the file is read,
 * not trusted.
 */
export interface RunRecord {
  runId?: string;
  workflow?: string;
  file?: string;
  dispatcher?: string;
  status?: RunStatus;
  startedAt?: string;
  pid?: number;
  host?: string;
  model?: string;
  budget?: number | null;
  resumedFrom?: { runId: string; mode: string };
  result?: unknown;
  error?: ErrorData | null;
  agentCount?: number;
  cachedCount?: number;
  failedCount?: number;
  usage?: Usage;
  costUsd?: number;
  byModel?: Record<string, ModelUsage>;
  phases?: PhaseSummary[];
  warnings?: string[];
  durationMs?: number;
}

export interface RunRef {
  runId: string;
  dir: string;
  record: RunRecord;
  state: RunState;
}

/** Run ids in `runsDir`, newest first (ids sort by start time, run-id.ts). */
export async function listRunIds(runsDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(runsDir);
  } catch {
    return [];
  }
  return names.filter((name) => RUN_ID_PATTERN.test(name)).sort().reverse();
}

/** `run.json` of a run; an empty record when it is missing or damaged. */
export async function readRunRecord(runDir: string): Promise<RunRecord> {
  try {
    const value: unknown = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RunRecord) : {};
  } catch {
    return {};
  }
}

/** The run's state now (see the module comment). */
export function runState(record: RunRecord): RunState {
  const status = record.status ?? 'running';
  if (status !== 'running') return status;
  return runProcessAlive(record) ? 'running' : 'interrupted';
}

/**
 * Whether the process recorded in `run.json` is alive. A run recorded on another machine (a shared
 * project directory) cannot be checked and counts as alive, so nothing touches it.
 */
export function runProcessAlive(record: Pick<RunRecord, 'pid' | 'host'>): boolean {
  if (!isProcessId(record.pid)) return false;
  if (record.host !== undefined && record.host !== hostname()) return true;
  return processAlive(record.pid);
}

/** Reads one run as it is now. */
export async function readRun(runsDir: string, runId: string): Promise<RunRef> {
  const dir = join(runsDir, runId);
  const record = await readRunRecord(dir);
  return { runId, dir, record, state: runState(record) };
}

/** The same run read again, as it is now. */
export async function rereadRun(run: RunRef): Promise<RunRef> {
  const record = await readRunRecord(run.dir);
  return { ...run, record, state: runState(record) };
}

/**
 * The run a user means: an exact id, `last`/`latest` (the newest run), or a prefix that matches
 * exactly one run (`wf_mabc` or the part after `wf_`). Throws UnknownRunError, AmbiguousRunError or
 * NoRunsError, each naming what to do; `consequence` ends the unknown-run message ("nothing to resume").
 */
export async function resolveRun(runsDir: string, reference: string, consequence?: string): Promise<RunRef> {
  const ids = await listRunIds(runsDir);
  if (reference === 'last' || reference === 'latest') {
    if (ids.length === 0) throw new NoRunsError(runsDir);
    return readRun(runsDir, ids[0]!);
  }
  if (ids.includes(reference)) return readRun(runsDir, reference);
  const prefix = reference.startsWith('wf_') ? reference : `wf_${reference}`;
  const matches = reference.length >= 3 ? ids.filter((id) => id.startsWith(prefix)) : [];
  if (matches.length === 1) return readRun(runsDir, matches[0]!);
  if (matches.length > 1) throw new AmbiguousRunError(reference, matches);
  throw new UnknownRunError(reference, runsDir, consequence);
}
