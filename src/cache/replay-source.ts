/**
 * What a resumed run may reuse from the run it resumes (spec C4): the completed steps of that
 * run's journal, looked up by key (content mode) or walked in start order (prefix mode, Claude
 * Code's rule). Built from journal events, so anything the journal survived (a torn last line,
 * foreign lines) this survives too (matrix J15, J16).
 */
import type { Usage } from '../dispatch/dispatcher.js';
import type { JournalEvent } from '../runs/journal.js';

/** One journaled agent step of the source run. */
export interface ReplayStep {
  index: number;
  key?: string;
  status: string;
  value: unknown;
  usage?: Usage;
  model?: string;
  label: string;
  phase: string | null;
  endedAt?: string;
  /** The run that produced the value live (the source run itself, or the run it reused from). */
  producerRunId: string;
}

export class ReplaySource {
  /** By call index; a duplicate index keeps the last line (J15). */
  private readonly steps = new Map<number, ReplayStep>();
  private readonly completedByKey = new Map<string, ReplayStep>();

  /**
   * @param ancestors the runs this run itself resumed, nearest first. Content mode falls back to
   * them: a step a killed resume reused but had not yet journaled is still found where it came from.
   */
  constructor(
    readonly runId: string,
    events: readonly JournalEvent[],
    private readonly ancestors: readonly ReplaySource[] = [],
  ) {
    for (const event of events) {
      const step = toStep(event, runId);
      if (step) this.steps.set(step.index, step);
    }
    for (const step of [...this.steps.values()].sort((a, b) => a.index - b.index)) {
      if (step.status === 'completed' && step.key) this.completedByKey.set(step.key, step);
    }
  }

  /** Completed steps of the source run and its ancestors (what "nothing to resume" counts). */
  get completedCount(): number {
    let count = 0;
    for (const step of this.steps.values()) if (step.status === 'completed') count += 1;
    return count + this.ancestors.reduce((sum, ancestor) => sum + ancestor.completedCount, 0);
  }

  /** Content mode: the completed step with this key, wherever it was in the source run (or its ancestors). */
  byKey(key: string): ReplayStep | undefined {
    const own = this.completedByKey.get(key);
    if (own) return own;
    for (const ancestor of this.ancestors) {
      const found = ancestor.byKey(key);
      if (found) return found;
    }
    return undefined;
  }

  /** The step journaled at `index`, whatever its status. */
  at(index: number): ReplayStep | undefined {
    return this.steps.get(index);
  }

  /** A fresh cursor for prefix mode (the source run's own journal only, as Claude Code's rule has it). */
  prefixCursor(): PrefixCursor {
    return new PrefixCursor(this);
  }
}

/**
 * Prefix mode (C4, Claude Code's rule): call i is served only while every call before it was
 * served, and the source run completed call i with the same key. The first changed, failed,
 * stopped, missing or out-of-order call ends the prefix; everything after it runs live (J15).
 */
export class PrefixCursor {
  private expected = 0;
  private diverged = false;

  constructor(private readonly source: ReplaySource) {}

  /** The step to replay for call `index` with `key`, or undefined (and the prefix is over). */
  next(index: number, key: string): ReplayStep | undefined {
    if (this.diverged) return undefined;
    const step = index === this.expected ? this.source.at(index) : undefined;
    if (!step || step.status !== 'completed' || step.key !== key) {
      this.diverged = true;
      return undefined;
    }
    this.expected += 1;
    return step;
  }

  /** Ends the prefix: a call forced live (--refresh, --from) breaks it like an edit would. */
  breakPrefix(): void {
    this.diverged = true;
  }

  get intact(): boolean {
    return !this.diverged;
  }
}

function toStep(event: JournalEvent, runId: string): ReplayStep | undefined {
  if (event.type !== 'agent-end') return undefined;
  const index = event.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) return undefined;
  if (typeof event.status !== 'string') return undefined;
  // A completed step without its value cannot be replayed; treat it as unfinished.
  const status = event.status === 'completed' && !('value' in event) ? 'incomplete' : event.status;
  const cached = event.cached as { runId?: unknown } | undefined;
  return {
    index,
    ...(typeof event.key === 'string' ? { key: event.key } : {}),
    status,
    value: event.value ?? null,
    ...(isUsage(event.usage) ? { usage: event.usage } : {}),
    ...(typeof event.model === 'string' ? { model: event.model } : {}),
    label: typeof event.label === 'string' ? event.label : `#${index}`,
    phase: typeof event.phase === 'string' ? event.phase : null,
    ...(typeof event.endedAt === 'string' ? { endedAt: event.endedAt } : {}),
    producerRunId: typeof cached?.runId === 'string' ? cached.runId : runId,
  };
}

function isUsage(value: unknown): value is Usage {
  return typeof value === 'object' && value !== null && typeof (value as Usage).input === 'number' && typeof (value as Usage).output === 'number';
}
