/**
 * Reading a run's per-agent records back for the commands that look at runs: `agents.jsonl`,
 * where engine/agent-call.ts appends an agent's record each time it writes it (the last line of an
 * index is its record). A record is display data, not the source of truth (the journal is), so a
 * damaged line is skipped rather than failing the command.
 */
import { join } from 'node:path';
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

