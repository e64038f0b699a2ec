/**
 * Figure: pipeline efficiency. `pipeline()` of 200 items through 3 stages, each stage one agent
 * that takes 20 ms, at concurrency 50: ideally 200 × 3 × 20 ms / 50 = 240 ms. The figure is the
 * run's whole wall over that ideal. No step cache (`cache: {}`), so it measures scheduling.
 */
import { compileIn, tempProject, timedRun, TimedDispatcher } from './support.mjs';

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
  {
    name: 'pipeline efficiency',
    workload: `${ITEMS} items × ${STAGES} stages × ${DELAY_MS} ms, concurrency ${CONCURRENCY}, no step cache; ideal ${IDEAL_MS} ms`,
    unit: '× ideal',
    target: { max: 1.15, text: `≤ 1.15 × ${IDEAL_MS} ms` },
    samples: 5,
    async run() {
      const project = tempProject('pipeline');
      try {
        const workflow = await compileIn(project, 'b', BODY);
        const dispatcher = new TimedDispatcher({ rules: [{ delayMs: DELAY_MS }] });
        const { ms, startedAt, endedAt } = await timedRun(
          { workflow, dispatcher, runsDir: project.runsDir, projectRoot: project.dir, cache: {}, concurrency: CONCURRENCY, maxAgents: ITEMS * STAGES },
          { agents: ITEMS * STAGES, result: ITEMS },
        );
        const spanMs = dispatcher.lastEnd - dispatcher.firstStart;
        return {
          value: ms / IDEAL_MS,
          extras: {
            wallMs: ms,
            spanRatio: spanMs / IDEAL_MS,
            beforeMs: dispatcher.firstStart - startedAt,
            afterMs: endedAt - dispatcher.lastEnd,
            maxRunning: dispatcher.maxRunning,
          },
        };
      } finally {
        project.remove();
      }
    },
    extras: {
      wallMs: { name: '  … wall', workload: 'whole runWorkflow()', unit: 'ms' },
      spanRatio: { name: '  … dispatch span / ideal', workload: 'first dispatch → last answer', unit: '× ideal' },
      beforeMs: { name: '  … before the first dispatch', workload: 'run start → first dispatch', unit: 'ms' },
      afterMs: { name: '  … after the last answer', workload: 'last answer → run end', unit: 'ms' },
      maxRunning: { name: '  … most agents at once', workload: `dispatches in flight at once (of ${CONCURRENCY})`, unit: '' },
    },
  },
];
