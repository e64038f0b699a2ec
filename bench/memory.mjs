/**
 * Figure: memory. `wf run` of a 10,000-agent fan-out answered at once by the mock, as a whole
 * process: the peak of the summed RSS of wf and every process under it (sandbox child, esbuild
 * service), polled from /proc every 20 ms. A fresh project per sample, so every agent runs live
 * and writes its journal line, record and cache entry.
 *
 * `parallel()` takes at most 4,096 entries, so the fan-out is 10 nested parallels of 1,000: all
 * 10,000 calls are still pending in the engine at once, as in one flat fan-out.
 * MB here is 10^6 bytes, the stricter reading of the 300 MB target.
 */
import { runWf, tempProject, workflowSource } from './support.mjs';

const AGENTS = 10_000;
const GROUPS = 10;
const PER_GROUP = AGENTS / GROUPS;
const ARGS = ['run', 'fanout', '--mock', 'rules.json', '-q', '--json', '--max-agents', '20000', '--concurrency', '16'];
const MB = 1_000_000;

const FANOUT = workflowSource(
  'fanout',
  `const groups = await parallel(
  Array.from({ length: ${GROUPS} }, (_, group) => () =>
    parallel(Array.from({ length: ${PER_GROUP} }, (_, i) => () => agent('item ' + (group * ${PER_GROUP} + i)))),
  ),
);
return groups.flat().filter((result) => result !== null).length;`,
);

export const benchmarks = [
  {
    name: 'memory',
    workload: `${AGENTS.toLocaleString('en')}-agent run, instant mock, whole process tree (--concurrency 16)`,
    unit: 'MB',
    target: { max: 300, text: '≤ 300 MB peak RSS' },
    samples: 5,
    // About 20 s a sample on the reference machine: 3 may have to do to keep `npm run bench` under
    // 5 minutes (run.mjs, "budget").
    budget: { ms: 70_000, minSamples: 3 },
    async run() {
      const project = tempProject('memory', { 'fanout.js': FANOUT });
      try {
        project.write('rules.json', '{"rules":[]}\n');
        const result = await runWf(ARGS, { cwd: project.dir, pollRss: true });
        const summary = JSON.parse(result.stdout);
        if (summary.status !== 'completed' || summary.agentCount !== AGENTS || summary.result !== AGENTS) {
          throw new Error(`unexpected run: status ${summary.status}, ${summary.agentCount} agents, result ${JSON.stringify(summary.result)}`);
        }
        const { peakBytes, rootPeakBytes, descendantsPeakBytes, processes } = result.rss;
        return { value: peakBytes / MB, extras: { rootMb: rootPeakBytes / MB, descendantsMb: descendantsPeakBytes / MB, processes, wallMs: result.ms } };
      } finally {
        project.remove();
      }
    },
    extras: {
      rootMb: { name: '  … wf process alone', workload: 'peak RSS of the wf process', unit: 'MB' },
      descendantsMb: { name: '  … its descendants', workload: 'peak summed RSS of the sandbox child and esbuild', unit: 'MB' },
      processes: { name: '  … processes in the tree', workload: 'wf and descendants seen', unit: '' },
      wallMs: { name: '  … wall', workload: 'whole process', unit: 'ms' },
    },
  },
];
