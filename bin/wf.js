#!/usr/bin/env node
// The one process-level boundary: runs the CLI and sets the exit code (spec R2).

// `wf list | head` closes the pipe early; that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
let main;
try {
  ({ main } = await import('../dist/cli/main.js'));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write('wf: the package is not built yet: run "npm run build" (npm install does it for you)\n');
  process.exit(2);
}
process.exitCode = await main(process.argv.slice(2));
