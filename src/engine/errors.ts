/**
 * Errors the engine raises. Those that go back into the script (budget, agent limit, stopped
 * run, invalid options, schema exhaustion) cross the wall as data: the isolate rebuilds them with
 * the same `name` and message (see sandbox/child/prelude.ts).
 */
import { WfError } from '../errors.js';

export class BudgetExhaustedError extends WfError {
  constructor(spent: number, total: number) {
    super('WF_BUDGET_EXHAUSTED', `budget exhausted: ${spent} of ${total} tokens spent`, {
      hint: 'raise it with --budget, or check budget.remaining() before starting more agents',
    });
    this.name = 'BudgetExhaustedError';
  }
}

/** B3: the run's cost ceiling (`--max-cost`) is reached; same behaviour as the token budget. */
export class CostBudgetExhaustedError extends WfError {
  constructor(spentUsd: number, maxUsd: number) {
    super('WF_BUDGET_EXHAUSTED', `budget exhausted: $${spentUsd.toFixed(4)} of $${maxUsd.toFixed(4)} spent`, {
      hint: 'raise it with --max-cost; costs come from the price table (docs/models.md)',
    });
    this.name = 'CostBudgetExhaustedError';
  }
}

export class AgentLimitError extends WfError {
  constructor(limit: number) {
    super('WF_AGENT_LIMIT', `agent limit reached: a workflow run can start at most ${limit} agents`, {
      hint: 'raise it with --max-agents if the workflow really needs more',
    });
    this.name = 'AgentLimitError';
  }
}

export class RunStoppedError extends WfError {
  constructor() {
    super('WF_RUN_STOPPED', 'the run was stopped: agent() cannot start new agents');
    this.name = 'RunStoppedError';
  }
}

export class StructuredOutputError extends WfError {
  constructor(attempts: number, lastFailure: string) {
    super('WF_STRUCTURED_OUTPUT', `structured output failed validation after ${attempts} attempts: ${lastFailure}`);
    this.name = 'StructuredOutputError';
  }
}

export class AgentOptionsError extends WfError {
  constructor(message: string) {
    super('WF_AGENT_OPTIONS', message);
    this.name = 'TypeError';
  }
}
