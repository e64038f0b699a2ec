/**
 * Figure: listing. `wf list` as a whole process over a project with 500 small valid workflow
 * files, spawn to exit. Listing reads every file's meta, so this scales with the file count.
 */
import { runWf, tempProject, workflowSource } from './support.mjs';

const FILES = 500;
let project;

const names = Array.from({ length: FILES }, (_, i) => `flow-${String(i).padStart(3, '0')}`);

function smallWorkflow(name, i) {
  return workflowSource(
    name,
    `phase('Work');
const answer = await agent(\`Summarize item ${i} for \${typeof args === 'string' ? args : 'everyone'}\`, { label: 'summary' });
return answer;`,
  ).replace("description: 'bench'", `description: 'Bench workflow number ${i}', phases: [{ title: 'Work' }]`);
}

export const benchmarks = [
  {
    name: 'listing',
    workload: `\`wf list\` over ${FILES} workflow files, whole process`,
    unit: 'ms',
    target: { max: 1000, text: '≤ 1.0 s' },
    samples: 5,
    async setup() {
      project = tempProject('listing', Object.fromEntries(names.map((name, i) => [`${name}.js`, smallWorkflow(name, i)])));
      await runWf(['list'], { cwd: project.dir }); // untimed: warm the page cache
    },
    async run() {
      const result = await runWf(['list'], { cwd: project.dir });
      const listed = result.stdout.split('\n').filter((line) => /^flow-\d{3}\s/.test(line));
      if (listed.length !== FILES || result.stdout.includes('[invalid')) {
        throw new Error(`wf list showed ${listed.length} of ${FILES} workflows${result.stdout.includes('[invalid') ? ', some invalid' : ''}`);
      }
      return result.ms;
    },
    teardown() {
      project?.remove();
    },
  },
];
