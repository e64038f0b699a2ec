/**
 * The phase summary (PH1): phases declared in meta.phases come first, in their order (even when
 * unused), then undeclared ones in order of first use. Each counts its agents, the finished ones,
 * and their usage.
 */
import type { Usage } from '../dispatch/dispatcher.js';
import type { PhaseSummary } from './run-summary.js';

export class PhaseTracker {
  private readonly phases = new Map<string, PhaseSummary>();

  constructor(declared: string[]) {
    for (const title of declared) this.use(title);
  }

  use(title: string): PhaseSummary {
    let phase = this.phases.get(title);
    if (!phase) {
      phase = { title, agents: 0, done: 0, usage: { input: 0, output: 0, reasoning: 0 } };
      this.phases.set(title, phase);
    }
    return phase;
  }

  addAgent(title: string | null): void {
    if (title !== null) this.use(title).agents += 1;
  }

  finishAgent(title: string | null, usage: Usage | undefined): void {
    if (title === null) return;
    const phase = this.use(title);
    phase.done += 1;
    if (usage) {
      phase.usage.input += usage.input;
      phase.usage.output += usage.output;
      phase.usage.reasoning += usage.reasoning;
    }
  }

  summary(): PhaseSummary[] {
    return [...this.phases.values()].map((phase) => ({ ...phase, usage: { ...phase.usage } }));
  }
}
