/**
 * Run directories written by hand, the way the engine leaves them (R1), for unit tests of the code
 * that reads runs back (`wf runs`, `wf inspect`, `wf runs prune`): `run.json`, `agents.jsonl`
 * and `events.jsonl`, with times chosen by the test.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentRecord } from '../../src/engine/agent-call.js';
import { generateRunId } from '../../src/runs/run-id.js';

export const T0 = Date.parse('2026-03-01T10:00:00.000Z');

/** ISO time `ms` after T0. */
export const at = (ms: number) => new Date(T0 + ms).toISOString();

/** A `.boocode/runs/` directory in a fresh temp project. */
export function tempRunsDir(): string {
  const project = mkdtempSync(join(tmpdir(), 'wf-runs-'));
  const runsDir = join(project, '.boocode', 'runs');
  mkdirSync(runsDir, { recursive: true });
  return runsDir;
}

export interface RunFixture {
  /** Start, in ms after T0; the run id is made from it. */
  startMs: number;
  /** `run.json`; `null` writes none. Defaults fill runId, startedAt, pid (this process), host and dispatcher. */
  record?: Record<string, unknown> | null;
  agents?: Array<Partial<AgentRecord> & { index: number }>;
  /** Lines of `events.jsonl`; strings are written as they are (to tear a line). */
  events?: Array<Record<string, unknown> | string>;
}

/** Writes a run directory; returns its id. */
export function writeRun(runsDir: string, fixture: RunFixture): string {
  const runId = generateRunId(T0 + fixture.startMs);
  const dir = join(runsDir, runId);
  mkdirSync(dir, { recursive: true });
  if (fixture.record !== null) {
    const record = { runId, startedAt: at(fixture.startMs), pid: process.pid, host: hostname(), dispatcher: 'mock', budget: null, ...fixture.record };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(record, null, 2));
  }
  for (const agent of fixture.agents ?? []) {
    const record: AgentRecord = { label: `agent ${agent.index}`, phase: null, depth: 0, prompt: `prompt ${agent.index}`, options: {}, status: 'completed', dispatcher: 'mock', queuedAt: at(fixture.startMs), ...agent };
    appendFileSync(join(dir, 'agents.jsonl'), `${JSON.stringify(record)}\n`);
  }
  if (fixture.events) {
    writeFileSync(join(dir, 'events.jsonl'), fixture.events.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n');
  }
  return runId;
}

/** The summary fields an ended run's `run.json` carries (run-summary.ts), with zero counts. */
export function endedRecord(status: 'completed' | 'failed' | 'stopped', fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    workflow: 'flow',
    status,
    result: null,
    error: null,
    agentCount: 0,
    cachedCount: 0,
    failedCount: 0,
    usage: { input: 0, output: 0, reasoning: 0 },
    phases: [],
    warnings: [],
    durationMs: 1000,
    ...fields,
  };
}

/** The pid of a process that has exited: a run recorded with it was interrupted. */
export function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}
