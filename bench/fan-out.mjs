/**
 * Figure: fan-out efficiency. One `parallel()` of 1,000 agents that each take 50 ms, at
 * concurrency 100: ideally 1,000 / 100 × 50 ms = 0.50 s. The figure is the run's whole wall over
 * that ideal. No step cache (`cache: {}`), so it measures scheduling, not cache writes.
 *
 * The informational "dispatch span" (first dispatch to last answer) over the ideal separates the
 * queue's efficiency from the run's fixed startup, which the whole wall includes.
 */
import { compileIn, tempProject, timedRun, TimedDispatcher } from './support.mjs';

const AGENTS = 1_000;
const DELAY_MS = 50;
const CONCURRENCY = 100;
const IDEAL_MS = (AGENTS / CONCURRENCY) * DELAY_MS;

const BODY = `const results = await parallel(Array.from({ length: ${AGENTS} }, (_, i) => () => agent('item ' + i)));
return results.filter((result) => result !== null).length;`;

export const benchmarks = [
  {
    name: 'fan-out efficiency',
    workload: `${AGENTS.toLocaleString('en')} agents × ${DELAY_MS} ms, concurrency ${CONCURRENCY}, no step cache; ideal ${IDEAL_MS / 1000} s`,
    unit: '× ideal',
    target: { max: 1.1, text: `≤ 1.10 × ${IDEAL_MS / 1000} s` },
    samples: 5,
    async run() {
      const project = tempProject('fan-out');
      try {
        const workflow = await compileIn(project, 'b', BODY);
        const dispatcher = new TimedDispatcher({ rules: [{ delayMs: DELAY_MS }] });
        const { ms, startedAt, endedAt } = await timedRun(
          { workflow, dispatcher, runsDir: project.runsDir, projectRoot: project.dir, cache: {}, concurrency: CONCURRENCY, maxAgents: AGENTS },
          { agents: AGENTS, result: AGENTS },
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
      // Below the concurrency, the engine cannot feed the dispatcher as fast as slots free up.
      beforeMs: { name: '  … before the first dispatch', workload: 'run start → first dispatch', unit: 'ms' },
      afterMs: { name: '  … after the last answer', workload: 'last answer → run end', unit: 'ms' },
      maxRunning: { name: '  … most agents at once', workload: `dispatches in flight at once (of ${CONCURRENCY})`, unit: '' },
    },
  },
];
