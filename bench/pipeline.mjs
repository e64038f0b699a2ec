/**
 * Figure: pipeline efficiency. `pipeline()` of 200 items through 3 stages, each stage one agent
 * that takes 20 ms, at concurrency 50: ideally 200 × 3 × 20 ms / 50 = 240 ms. The figure is the
 * run's whole wall over that ideal. No step cache (`cache: {}`), so it measures scheduling.
 */
import { schedulingBenchmark } from './support.mjs';

const ITEMS = 200;
const STAGES = 3;
const DELAY_MS = 20;
const CONCURRENCY = 50;
const IDEAL_MS = (ITEMS * STAGES * DELAY_MS) / CONCURRENCY;

const BODY = `const items = Array.from({ length: ${ITEMS} }, (_, i) => 'item ' + i);
const results = await pipeline(
  items,
  (item) => agent('stage 1 of ' + item),
  (previous, item) => agent('stage 2 of ' + item),
  (previous, item) => agent('stage 3 of ' + item),
);
return results.filter((result) => result !== null).length;`;

export const benchmarks = [
  schedulingBenchmark({
    name: 'pipeline efficiency',
    label: 'pipeline',
    workload: `${ITEMS} items × ${STAGES} stages × ${DELAY_MS} ms, concurrency ${CONCURRENCY}, no step cache; ideal ${IDEAL_MS} ms`,
    target: { max: 1.15, text: `≤ 1.15 × ${IDEAL_MS} ms` },
    body: BODY,
    agents: ITEMS * STAGES,
    result: ITEMS,
    delayMs: DELAY_MS,
    concurrency: CONCURRENCY,
    idealMs: IDEAL_MS,
  }),
];
