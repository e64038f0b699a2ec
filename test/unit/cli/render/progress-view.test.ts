/**
 * The plain and quiet views (render/progress-view.ts): one line per event, except a provider's
 * retry notices, which a fan-out against a rate-limiting provider sends by the hundred.
 */
import { describe, expect, test } from 'vitest';
import type { Output } from '../../../../src/cli/output.js';
import type { RunEvent } from '../../../../src/engine/events.js';
import { createProgressView } from '../../../../src/cli/render/progress-view.js';

function output(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (text) => lines.push(`out:${text}`), err: (text) => lines.push(text), errIsTty: false };
}

const retry = (n: number): RunEvent => ({ type: 'warning', message: `openai: rate limited (429); pausing new requests for ${n}.0s` });

describe('plain progress lines', () => {
  test.for([false, true])("a provider's retry notices print at the 1st, 2nd, 4th, 8th, … with their count (quiet: %s)", async (quiet) => {
    const io = output();
    const view = await createProgressView(io, { quiet });
    for (let n = 1; n <= 10; n += 1) view.onEvent(retry(n));
    view.onEvent({ type: 'warning', message: 'anthropic: overloaded (529); retrying in 1.0s (retry 1 of 4)' });
    view.onEvent({ type: 'warning', message: 'phase "x" is not declared in meta.phases' });
    view.onEvent({ type: 'warning', message: 'phase "x" is not declared in meta.phases' });
    expect(io.lines).toEqual([
      'wf: warning: openai: rate limited (429); pausing new requests for 1.0s',
      'wf: warning: openai: rate limited (429); pausing new requests for 2.0s [retry notice 2 from openai; only the 1st, 2nd, 4th, 8th, … are printed]',
      'wf: warning: openai: rate limited (429); pausing new requests for 4.0s [retry notice 4 from openai; only the 1st, 2nd, 4th, 8th, … are printed]',
      'wf: warning: openai: rate limited (429); pausing new requests for 8.0s [retry notice 8 from openai; only the 1st, 2nd, 4th, 8th, … are printed]',
      'wf: warning: anthropic: overloaded (529); retrying in 1.0s (retry 1 of 4)',
      // Other warnings are never thinned (the engine already sends each of them once).
      'wf: warning: phase "x" is not declared in meta.phases',
      'wf: warning: phase "x" is not declared in meta.phases',
    ]);
  });
});
