import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../../src/dispatch/simulate.js';
import { validatorFor } from '../../../src/schema/index.js';

describe('createSimulator', () => {
  it('is the dry-run dispatcher: named simulate, stub text, minimal instances for schemas', async () => {
    const simulator = createSimulator();
    expect(simulator.name).toBe('simulate');
    const signal = new AbortController().signal;
    const base = { runId: 'r', index: 0, label: 'l', attempt: 1 };
    expect((await simulator.run({ ...base, prompt: 'summarize' }, signal)).output).toBe('done: summarize');
    const schema = {
      type: 'object',
      required: ['verdict', 'issues'],
      properties: { verdict: { enum: ['approve', 'reject'] }, issues: { type: 'array', items: { type: 'string' } } },
    };
    const { output } = await simulator.run({ ...base, prompt: 'review', schema }, signal);
    expect(output).toEqual({ verdict: 'approve', issues: ['x'] });
    expect(validatorFor(schema)(output)).toEqual({ ok: true });
  });

  it('each call gets its own simulator', () => {
    expect(createSimulator()).not.toBe(createSimulator());
  });
});
