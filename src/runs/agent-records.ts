/**
 * Reading a run's per-agent records (`agents/NNNN.json`, written by engine/agent-call.ts) back for
 * the commands that look at runs. A record is display data, not the source of truth (the journal
 * is), so a damaged or half-replaced one is skipped rather than failing the command.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Usage } from '../dispatch/dispatcher.js';
import type { AgentRecord } from '../engine/agent-call.js';

export type { AgentRecord };

const RECORD_NAME = /^\d+\.json$/;

/** The readable agent records of the run in `runDir`, by call index. */
export async function readAgentRecords(runDir: string): Promise<AgentRecord[]> {
  const agentsDir = join(runDir, 'agents');
  const names = (await readdir(agentsDir).catch(() => [] as string[])).filter((name) => RECORD_NAME.test(name));
  const records = await Promise.all(names.map((name) => readRecord(join(agentsDir, name))));
  return records.filter((record): record is AgentRecord => record !== undefined).sort((a, b) => a.index - b.index);
}

async function readRecord(path: string): Promise<AgentRecord | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (typeof value !== 'object' || value === null || typeof (value as AgentRecord).index !== 'number') return undefined;
    return value as AgentRecord;
  } catch {
    return undefined;
  }
}

/** Whether the step was answered from an earlier run instead of running (C2). */
export function wasReused(record: Pick<AgentRecord, 'reuse'>): boolean {
  return record.reuse?.decision === 'hit';
}

/** Every token of a usage: prompt (cache included), output and reasoning, as `wf run` counts them. */
export function usageTokens(usage: Usage | undefined): number {
  return usage ? usage.input + usage.output + usage.reasoning : 0;
}

export function addUsages(a: Usage, b: Usage): Usage {
  const sum: Usage = { input: a.input + b.input, output: a.output + b.output, reasoning: a.reasoning + b.reasoning };
  if (a.cacheRead !== undefined || b.cacheRead !== undefined) sum.cacheRead = (a.cacheRead ?? 0) + (b.cacheRead ?? 0);
  if (a.cacheWrite !== undefined || b.cacheWrite !== undefined) sum.cacheWrite = (a.cacheWrite ?? 0) + (b.cacheWrite ?? 0);
  return sum;
}

export const NO_USAGE: Usage = Object.freeze({ input: 0, output: 0, reasoning: 0 });
