/**
 * Reading a run's per-agent records back for the commands that look at runs: `agents.jsonl`,
 * where engine/agent-call.ts appends an agent's record each time it writes it (the last line of an
 * index is its record). A record is display data, not the source of truth (the journal is), so a
 * damaged line is skipped rather than failing the command.
 */
import { join } from 'node:path';
import type { Usage } from '../dispatch/dispatcher.js';
import type { AgentRecord } from '../engine/agent-call.js';
import { readJsonLines } from './json-lines.js';
import { AGENTS_FILENAME } from './run-dir.js';

export type { AgentRecord };

/** The readable agent records of the run in `runDir`, by call index. */
export async function readAgentRecords(runDir: string): Promise<AgentRecord[]> {
  const latest = new Map<number, AgentRecord>();
  for (const line of await readJsonLines(join(runDir, AGENTS_FILENAME)).catch(() => [])) {
    if (typeof line.index === 'number') latest.set(line.index, line as unknown as AgentRecord);
  }
  return [...latest.values()].sort((a, b) => a.index - b.index);
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
