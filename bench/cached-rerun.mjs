/**
 * Figure: cached re-run. A 1,000-agent fan-out workflow, run once (untimed) to fill the project's
 * step cache, then run again as a whole process: every step must come from the cache. A sample
 * that dispatched anything is an error, not a number: it would measure something else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWf, tempProject, workflowSource } from './support.mjs';

const AGENTS = 1_000;
const ARGS = ['run', 'fanout', '--mock', 'rules.json', '-q', '--json', '--concurrency', '16'];
let project;

const FANOUT = workflowSource(
  'fanout',
  `const results = await parallel(Array.from({ length: ${AGENTS} }, (_, i) => () => agent('item ' + i)));
return results.filter((result) => result !== null).length;`,
);

/** Runs the workflow; returns its wall and summary after checking the run is what we think. */
async function fanoutRun() {
  const result = await runWf(ARGS, { cwd: project.dir });
  const summary = JSON.parse(result.stdout);
  if (summary.status !== 'completed' || summary.agentCount !== AGENTS || summary.result !== AGENTS) {
    throw new Error(`unexpected run: status ${summary.status}, ${summary.agentCount} agents, result ${JSON.stringify(summary.result)}`);
  }
  return { ms: result.ms, summary };
}

export const benchmarks = [
  {
    name: 'cached re-run',
    workload: `${AGENTS.toLocaleString('en')}-agent workflow run again, all steps cached, whole process (--concurrency 16)`,
    unit: 'ms',
    target: { max: 1000, text: '≤ 1.0 s, 0 dispatches' },
    samples: 5,
    async setup() {
      project = tempProject('cached-rerun', { 'fanout.js': FANOUT });
      project.write('rules.json', '{"rules":[]}\n');
      const first = await fanoutRun();
      if (first.summary.cachedCount !== 0) throw new Error(`the first run found ${first.summary.cachedCount} cached steps in a fresh project`);
    },
    async run() {
      const { ms, summary } = await fanoutRun();
      // Both the summary and the journal must say nothing ran live.
      const journal = readFileSync(join(summary.runDir, 'journal.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line));
      const ends = journal.filter((event) => event.type === 'agent-end');
      const live = ends.filter((event) => !event.cached);
      const dispatches = summary.agentCount - summary.cachedCount;
      if (dispatches !== 0 || live.length !== 0 || ends.length !== AGENTS) {
        throw new Error(`a cached re-run dispatched: cachedCount ${summary.cachedCount}/${AGENTS}, journal ${live.length} live of ${ends.length} agent-end lines`);
      }
      return { value: ms, extras: { dispatches } };
    },
    extras: {
      dispatches: { name: '  … dispatches', workload: 'agentCount − cachedCount; journal agrees', unit: '', target: { max: 0, text: '0' } },
    },
    teardown() {
      project?.remove();
    },
  },
];
