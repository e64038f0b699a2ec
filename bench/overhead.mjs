/**
 * Figure: overhead per agent call. 10,000 sequential `agent()` calls answered at once by the mock,
 * journal on (it always is), default step cache: the run's wall divided by the number of calls. So
 * it is everything wf does around one call: sandbox round trip, step key, cache lookup and write,
 * journal line and fdatasync, agent record.
 *
 * Two informational figures sit next to it: the same with the run's fixed startup (a 1-call run)
 * taken out, and the same without a step cache (`cache: {}`), to show the cache's share.
 */
import { FileCacheStore } from '../dist/cache/file-store.js';
import { compileIn, tempProject, timedRun, TimedDispatcher } from './support.mjs';

const CALLS = 10_000;
/** The no-cache variant is informational; fewer calls keep `npm run bench` inside its budget. */
const NO_CACHE_CALLS = 1_000;

function sequentialBody(count, prefix) {
  return `for (let i = 0; i < ${count}; i++) await agent('${prefix} ' + i);\nreturn 'ok';`;
}

/** One run of `count` sequential calls in a fresh project; the project is removed afterwards. */
async function sequentialRun(count, { withCache }) {
  const project = tempProject('overhead');
  try {
    const workflow = await compileIn(project, 'b', sequentialBody(count, 'item'));
    const { ms } = await timedRun(
      {
        workflow,
        dispatcher: new TimedDispatcher(),
        runsDir: project.runsDir,
        projectRoot: project.dir,
        cache: withCache ? { store: new FileCacheStore(project.cacheDir) } : {},
        maxAgents: CALLS * 2,
      },
      { agents: count, result: 'ok' },
    );
    return ms;
  } finally {
    project.remove();
  }
}

export const benchmarks = [
  {
    name: 'overhead per agent call',
    workload: `${CALLS.toLocaleString('en')} sequential agent() calls, instant mock, journal on, default step cache`,
    unit: 'µs',
    target: { max: 100, text: '≤ 100 µs per call' },
    samples: 5,
    // At the target a sample takes 1 s; today it takes 25-45 s. While every sample misses the
    // target anyway, 3 samples keep `npm run bench` under 5 minutes (run.mjs, "budget").
    budget: { ms: 120_000, minSamples: 3, onlyWhenMissing: true },
    async run() {
      // The 1-call run first: its wall is the run's fixed cost (sandbox fork, run dir, journal).
      const startupMs = await sequentialRun(1, { withCache: true });
      const wallMs = await sequentialRun(CALLS, { withCache: true });
      return {
        value: (wallMs * 1000) / CALLS,
        extras: { exStartup: ((wallMs - startupMs) * 1000) / (CALLS - 1), startupMs, wallMs },
      };
    },
    extras: {
      exStartup: { name: '  … without run startup', workload: '(wall(10,000) − wall(1)) / 9,999', unit: 'µs' },
      startupMs: { name: '  … run startup', workload: 'wall of a 1-call run', unit: 'ms' },
      wallMs: { name: '  … wall of the 10,000-call run', workload: 'whole runWorkflow()', unit: 'ms' },
    },
  },
  {
    name: 'overhead per agent call, no cache',
    workload: `${NO_CACHE_CALLS.toLocaleString('en')} sequential agent() calls, instant mock, journal on, cache: {} (informational)`,
    unit: 'µs',
    samples: 5,
    async run() {
      return ((await sequentialRun(NO_CACHE_CALLS, { withCache: false })) * 1000) / NO_CACHE_CALLS;
    },
  },
];
