/**
 * Figure: cold start. `wf run hello --dry-run -q` (one agent) as a whole process, spawn to exit,
 * in a project holding the repository's hello workflow; and the same figure as a ratio to
 * `node -e 0` measured the same way, so a slower machine does not look like a slower wf.
 * Each sample times both, back to back, so noise on a shared machine hits both alike.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureProcess, REPO, runWf, tempProject } from './support.mjs';

const HELLO = ['run', 'hello', '--dry-run', '-q'];
let project;

async function bareNode() {
  const result = await measureProcess(process.execPath, ['-e', '0'], { cwd: project.dir });
  if (result.code !== 0) throw new Error(`node -e 0 exited with ${result.code ?? result.signal}`);
  return result.ms;
}

async function hello() {
  const result = await runWf(HELLO, { cwd: project.dir });
  if (!result.stdout.includes('done: Write a one-line, friendly greeting')) throw new Error(`unexpected output of wf ${HELLO.join(' ')}: ${result.stdout}`);
  return result.ms;
}

export const benchmarks = [
  {
    name: 'cold start',
    workload: '`wf run hello --dry-run -q` (1 agent), whole process',
    unit: 'ms',
    target: { max: 400, text: '≤ 400 ms' },
    samples: 5,
    async setup() {
      project = tempProject('cold-start');
      copyFileSync(join(REPO, '.boocode', 'workflows', 'hello.js'), project.file('hello.js'));
      // Untimed: the first spawn pays for reading node and wf from disk; the figure is a start
      // with a warm page cache, as every start after the first is.
      await bareNode();
      await hello();
    },
    async run() {
      const nodeMs = await bareNode();
      const wfMs = await hello();
      return { value: wfMs, extras: { ratio: wfMs / nodeMs, nodeMs } };
    },
    extras: {
      ratio: { name: '  … ratio to node -e 0', workload: 'wf wall / node wall, per sample', unit: '×' },
      nodeMs: { name: '  … node -e 0', workload: 'same machine, same way', unit: 'ms' },
    },
    teardown() {
      project?.remove();
    },
  },
];
