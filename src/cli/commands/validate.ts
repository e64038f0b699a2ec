/** `wf validate <file...>`: every problem of every file, with file:line:col; exit 2 if any is an error. */
import { Command } from 'commander';
import { validateWorkflowFile } from '../../compile/index.js';
import { defaultDiscoveryOptions, InvalidWorkflowError, isPathArgument, resolveWorkflow } from '../../discovery/index.js';
import { formatDiagnostic } from '../../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Output } from '../output.js';

export function validateCommand(io: Output, setExitCode: (code: number) => void): Command {
  return new Command('validate')
    .description('check workflow files without running them; exit 2 if any has an error')
    .argument('<files...>', 'workflow files (or names, resolved like `wf run`) to check')
    .option('--json', 'print the problems as JSON')
    .action(async (files: string[], flags: { json?: boolean }) => {
      const results = [];
      for (const target of files) {
        const file = isPathArgument(target) ? target : await fileOfName(target);
        results.push({ file, ...(await validateWorkflowFile(file)) });
      }
      const errors = results.flatMap((result) => result.diagnostics.filter((d) => d.severity === 'error'));
      if (flags.json) {
        io.out(JSON.stringify({ ok: errors.length === 0, files: results }, null, 2));
      } else {
        for (const result of results) {
          if (result.diagnostics.length === 0) io.err(`${result.file}: ok`);
          for (const diagnostic of result.diagnostics) io.err(formatDiagnostic(diagnostic) + (diagnostic.hint ? ` (${diagnostic.hint})` : ''));
        }
      }
      setExitCode(errors.length === 0 ? EXIT.completed : EXIT.usage);
    });
}

/** A name's file, also when its meta is invalid: validating it is how the user sees every problem. */
async function fileOfName(name: string): Promise<string> {
  try {
    return (await resolveWorkflow(name, defaultDiscoveryOptions())).file;
  } catch (error) {
    if (InvalidWorkflowError.isInstance(error)) return error.file;
    throw error;
  }
}
