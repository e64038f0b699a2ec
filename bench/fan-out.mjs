/**
 * Figure: fan-out efficiency. One `parallel()` of 1,000 agents that each take 50 ms, at
 * concurrency 100: ideally 1,000 / 100 × 50 ms = 0.50 s. The figure is the run's whole wall over
 * that ideal. No step cache (`cache: {}`), so it measures scheduling, not cache writes.
 *
 * The informational "dispatch span" (first dispatch to last answer) over the ideal separates the
 * queue's efficiency from the run's fixed startup, which the whole wall includes.
 */
import { schedulingBenchmark } from './support.mjs';

const AGENTS = 1_000;
const DELAY_MS = 50;
const CONCURRENCY = 100;
const IDEAL_MS = (AGENTS / CONCURRENCY) * DELAY_MS;

const BODY = `const results = await parallel(Array.from({ length: ${AGENTS} }, (_, i) => () => agent('item ' + i)));
return results.filter((result) => result !== null).length;`;

export const benchmarks = [
  schedulingBenchmark({
    name: 'fan-out efficiency',
    label: 'fan-out',
    workload: `${AGENTS.toLocaleString('en')} agents × ${DELAY_MS} ms, concurrency ${CONCURRENCY}, no step cache; ideal ${IDEAL_MS / 1000} s`,
    target: { max: 1.1, text: `≤ 1.10 × ${IDEAL_MS / 1000} s` },
    body: BODY,
    agents: AGENTS,
    result: AGENTS,
    delayMs: DELAY_MS,
    concurrency: CONCURRENCY,
    idealMs: IDEAL_MS,
  }),
];
