/**
 * `wf inspect <run> [--agent <index|label>] [--json]`: one run in detail (its summary, its agents on
 * a timeline, usage per model, errors), or one of its agents in full. Works on running and
 * interrupted runs too, with what they have recorded so far.
 */
import { Command } from 'commander';
import { defaultDiscoveryOptions } from '../../discovery/index.js';
import { inspectAgent, inspectRun } from '../../runs/inspect.js';
import { runsDirFor } from '../../runs/project-dir.js';
import type { Output } from '../output.js';

export function inspectCommand(io: Output): Command {
  return new Command('inspect')
    .description('show one run in detail: summary, agents on a timeline by phase, usage per model, errors')
    .argument('<run>', 'a run id, a unique prefix of one, or `last`')
    .option('--agent <index|label>', 'show this agent in full: prompt, options, model, key, result, activity')
    .option('--json', 'print the collected data as JSON')
    .addHelpText('after', '\nExamples:\n  wf inspect last\n  wf inspect wf_mhx2k1c0 --agent 3\n  wf inspect last --agent draft --json')
    .action(async (run: string, flags: { agent?: string; json?: boolean }) => {
      const runsDir = runsDirFor(defaultDiscoveryOptions().cwd);
      if (flags.agent !== undefined) {
        const agent = await inspectAgent({ runsDir, run, agent: flags.agent });
        // Renderers load on demand: their text-width tables cost start-up time every other command would pay.
        io.out(flags.json ? JSON.stringify(agent, null, 2) : (await import('../render/agent-inspection.js')).renderAgentInspection(agent));
        return;
      }
      const inspection = await inspectRun({ runsDir, run });
      io.out(flags.json ? JSON.stringify(inspection, null, 2) : (await import('../render/run-inspection.js')).renderRunInspection(inspection, { width: process.stdout.columns ?? 100 }));
    });
}
