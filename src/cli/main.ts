/**
 * Builds the `wf` program and runs one command line. Returns the exit code; never exits the
 * process itself (bin/wf.js does). Expected failures (WfError) print one clear line and map to
 * their exit code; anything else is a bug and says so.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { WfError, WfValidationError, formatDiagnostic } from '../errors.js';
import { EXIT, exitCodeForError } from './exit-codes.js';
import { processOutput, type Output } from './output.js';
import { doctorCommand } from './commands/doctor.js';
import { listCommand } from './commands/list.js';
import { cacheCommand } from './commands/cache/index.js';
import { explainCommand } from './commands/explain.js';
import { resumeCommand } from './commands/resume.js';
import { runCommand } from './commands/run.js';
import { discardSpareSandbox } from '../index.js';
import { showCommand } from './commands/show.js';
import { validateCommand } from './commands/validate.js';
import { runsCommand } from './commands/runs/index.js';
import { inspectCommand } from './commands/inspect.js';
import { logsCommand } from './commands/logs.js';
import { resultCommand } from './commands/result.js';
import { statusCommand } from './commands/status.js';
import { stopCommand } from './commands/stop.js';
import { waitCommand } from './commands/wait.js';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function main(argv: string[], io: Output = processOutput()): Promise<number> {
  let exitCode: number = EXIT.completed;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  const program = new Command('wf')
    .description('run sandboxed LLM workflow scripts')
    .version(packageVersion(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) })
    .showSuggestionAfterError(true);
  for (const command of [runCommand(io, setExitCode, argv), resumeCommand(io, setExitCode, argv), explainCommand(io, setExitCode), cacheCommand(io), listCommand(io), showCommand(io), validateCommand(io, setExitCode), doctorCommand(io, setExitCode), runsCommand(io), inspectCommand(io), statusCommand(io), waitCommand(io, setExitCode), resultCommand(io, setExitCode), stopCommand(io, setExitCode), logsCommand(io, setExitCode)]) {
    command.exitOverride().configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) });
    program.addCommand(command);
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  } finally {
    discardSpareSandbox(); // a run that never started leaves its pre-started sandbox process unused
  }
}

/** One clear line (and a hint) for an expected failure; anything else is a bug and says so. */
function reportError(error: unknown, io: Output): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.completed;
    return EXIT.usage; // commander already printed what was wrong
  }
  if (error instanceof WfValidationError) {
    for (const diagnostic of error.diagnostics) io.err(`wf: ${formatDiagnostic(diagnostic)}`);
    return EXIT.usage;
  }
  if (WfError.isInstance(error)) {
    io.err(`wf: ${error.describe()}`);
    if (error.hint) io.err(`wf: hint: ${error.hint}`);
    return exitCodeForError(error);
  }
  io.err(`wf: internal error, please report it: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT.failed;
}
