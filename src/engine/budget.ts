/**
 * The run's token budget (B1–B2): `spent` counts output + reasoning tokens of this run's live
 * agents, including usage streamed by agents still running (matrix B07); replayed or cached steps
 * cost nothing. The ceiling is hard: a call that would start at or past the total is refused.
 */
import type { Usage } from '../dispatch/dispatcher.js';
import { BudgetExhaustedError, CostBudgetExhaustedError } from './errors.js';

export function billable(usage: Usage): number {
  return usage.output + usage.reasoning;
}

export class Budget {
  private settled = 0;
  private readonly streaming = new Map<number, number>();
  private costSpent = 0;

  /** `maxCostUsd` (B3) counts the cost of agents that have ended, from the price table. */
  constructor(
    readonly total: number | null,
    readonly maxCostUsd: number | null = null,
  ) {}

  /** USD spent by this run's live agents that have ended. */
  spentUsd(): number {
    return this.costSpent;
  }

  addCost(usd: number): void {
    this.costSpent += usd;
  }

  spent(): number {
    let live = 0;
    for (const tokens of this.streaming.values()) live += tokens;
    return this.settled + live;
  }

  /** Throws if no new agent may start (B2). */
  check(): void {
    if (this.maxCostUsd !== null && this.costSpent >= this.maxCostUsd) throw new CostBudgetExhaustedError(this.costSpent, this.maxCostUsd);
    if (this.total === null) return;
    const spent = this.spent();
    if (spent >= this.total) throw new BudgetExhaustedError(spent, this.total);
  }

  /** Usage reported while agent `index` is still running; replaces its previous report. */
  stream(index: number, usage: Usage): void {
    this.streaming.set(index, billable(usage));
  }

  /** The agent's final usage (or nothing, when it was refused before any usage). */
  settle(index: number, usage: Usage | null): void {
    this.streaming.delete(index);
    if (usage) this.settled += billable(usage);
  }
}
