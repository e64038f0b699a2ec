#!/usr/bin/env node
// Captures what the live progress view looks like, for docs/cli.md: runs `wf run deep-research`
// against the example mock (docs/examples/deep-research.mock.json) in a pseudo-terminal, replays
// the bytes into a headless terminal and prints the screen mid-run (once the Verify phase is
// going) and at the end. Needs a built wf (`npm run build`) and python3.
//   node scripts/capture-progress-view.mjs [columns] [rows]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import xterm from '@xterm/headless';

const root = resolve(import.meta.dirname, '..');
const [columns = 100, rows = 30] = process.argv.slice(2).map(Number);
const project = mkdtempSync(join(tmpdir(), 'wf-capture-'));
mkdirSync(join(project, '.boocode'));

const chunks = [];
const child = spawn('python3', [
  join(root, 'test/support/pty-run.py'), String(columns), String(rows),
  process.execPath, join(root, 'bin/wf.js'), 'run', 'deep-research', 'what changed in Node 24?',
  '--mock', join(root, 'docs/examples/deep-research.mock.json'), '--concurrency', '8',
], { cwd: project, env: { ...process.env, NO_COLOR: '1' } });
child.stdout.on('data', (chunk) => chunks.push({ at: Date.now(), chunk }));
child.stderr.pipe(process.stderr);
const code = await new Promise((done) => child.on('close', done));

const terminal = new xterm.Terminal({ cols: columns, rows, scrollback: 10_000, allowProposedApi: true });
const screen = () => {
  const buffer = terminal.buffer.active;
  const lines = [];
  for (let y = 0; y < rows; y += 1) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
  while (lines.length && lines.at(-1).trim() === '') lines.pop();
  return lines.join('\n');
};
let shownMid = false;
for (const { chunk } of chunks) {
  await new Promise((done) => terminal.write(chunk, done));
  const now = screen();
  const verified = /▸ Verify\s+\S+\s+(\d+)\/\d+/.exec(now);
  if (!shownMid && verified && Number(verified[1]) >= 8 && /› web_fetch/.test(now)) {
    console.log(`--- mid-run (${columns}×${rows}) ---\n${now}\n`);
    shownMid = true;
  }
}
// The end: the last frame and the closing line, found in the scrollback (the report follows them on stdout).
const buffer = terminal.buffer.active;
const all = [];
for (let y = 0; y < buffer.length; y += 1) all.push(buffer.getLine(y)?.translateToString(true) ?? '');
const from = all.findLastIndex((line) => line.startsWith('wf deep-research ·'));
const to = all.findIndex((line, index) => index > from && line.startsWith('wf: run '));
console.log(`--- at the end (exit ${code}) ---\n${all.slice(from, to + 1).join('\n')}`);
