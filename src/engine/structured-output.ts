/**
 * Structured output (A1, A3): a schema agent's reply must validate against the caller's schema.
 * An invalid reply is sent back to the agent with the validation errors, up to `attempts` times
 * (default 5); then agent() throws, quoting the last failure. A reply given as text is accepted
 * when it holds valid JSON, fenced or bare (A05).
 */
import { addUsage, type AgentReply, type AgentRequest, type Usage } from '../dispatch/dispatcher.js';
import { extractJson, validatorFor } from '../schema/index.js';
import { StructuredOutputError } from './errors.js';

export interface StructuredResult {
  value: unknown;
  usage: Usage;
  model?: string;
  attempts: number;
}

/**
 * Dispatches `request` until its output validates. `dispatch` is called once per attempt;
 * `onUsage` receives the usage accumulated so far after each attempt (for the budget).
 */
export async function runStructured(
  request: Omit<AgentRequest, 'attempt' | 'feedback'> & { schema: Record<string, unknown> },
  attempts: number,
  dispatch: (request: AgentRequest) => Promise<AgentReply>,
  onUsage: (usage: Usage) => void,
): Promise<StructuredResult> {
  const validate = validatorFor(request.schema);
  let usage: Usage = { input: 0, output: 0, reasoning: 0 };
  let feedback: string | undefined;
  // A dispatcher that validates submissions inside its conversation (the API tool loop) reports
  // how many it used; each of those counts as an attempt, so the limit holds across both loops.
  let used = 0;
  while (used < attempts) {
    const reply = await dispatch({ ...request, attempt: used + 1, ...(feedback === undefined ? {} : { feedback }) });
    used += Math.max(1, reply.attempts ?? 1);
    usage = addUsage(usage, reply.usage);
    onUsage(usage);
    const value = typeof reply.output === 'string' ? extractJson(reply.output) : reply.output;
    if (value === undefined) {
      feedback = 'the reply held no JSON value; call the submit tool with an object that matches the schema';
      continue;
    }
    const result = validate(value);
    if (result.ok) return { value, usage, model: reply.model, attempts: used };
    feedback = result.errors;
  }
  throw Object.assign(new StructuredOutputError(attempts, feedback ?? 'no valid output'), { usage });
}
