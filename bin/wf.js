#!/usr/bin/env node
// The one process-level boundary: runs the CLI and sets the exit code (spec R2).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
