/**
 * End-to-end: the live progress view in a real pseudo-terminal. The built `bin/wf.js` runs under
 * test/support/pty-run.py at a fixed size; what it writes is replayed into a headless terminal
 * emulator (@xterm/headless), and the tests read the screen and scrollback a person would see.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import xterm from '@xterm/headless';
import { describe, expect, test } from 'vitest';

const BIN = resolve(__dirname, '../../bin/wf.js');
const PTY_RUN = resolve(__dirname, '../support/pty-run.py');

/** Two phases of parallel agents; the delays make the run last about a second, so frames are redrawn. */
const WORKFLOW = `export const meta = { name: 'pty-demo', description: 'the live view in a terminal', phases: [{ title: 'Gather' }, { title: 'Write' }] };
phase('Gather');
const notes = await parallel(['alpha', 'beta', 'gamma', '数据整理'].map((topic) => () => agent(\`gather \${topic}\`, { label: \`gather \${topic}\` })));
log('gathered', notes.length, 'notes');
phase('Write');
const parts = await parallel([1, 2, 3].map((n) => () => agent(\`write part \${n}\`, { label: \`write \${n}\` })));
return parts.join(' ');
`;
const RULES = {
  rules: [
    { match: 'gather', reply: 'note', delayMs: 500, activity: ['read_file sources.md', 'web_search "recent papers"'] },
    { match: 'write', reply: 'draft', delayMs: 400 },
  ],
};

interface PtyRun {
  code: number | null;
  raw: string;
}

/** A fresh project (so no step is reused from an earlier run) with the workflow and its mock rules. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wf-pty-'));
  mkdirSync(join(dir, '.boocode', 'workflows'), { recursive: true });
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'flow.js'), WORKFLOW);
  writeFileSync(join(dir, 'rules.json'), JSON.stringify(RULES));
  return dir;
}

function runInPty(columns: number, rows: number, flags: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<PtyRun> {
  const cwd = project();
  const command = [PTY_RUN, String(columns), String(rows), process.execPath, BIN, 'run', 'flow.js', '--mock', 'rules.json', '--concurrency', '4', ...flags];
  return new Promise((done, fail) => {
    const child = spawn('python3', command, { cwd, env: { PATH: process.env.PATH, HOME: join(cwd, 'home'), TERM: 'xterm-256color', ...env } });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      if (stderr !== '') fail(new Error(`pty-run.py: ${stderr}`));
      else done({ code, raw: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

interface Screen {
  /** Every line of the scrollback and the screen, trailing blank lines dropped. */
  lines: string[];
  /** Lines the terminal wrapped because something was wider than it. */
  wrapped: string[];
}

async function screenOf(raw: string, cols: number, rows: number): Promise<Screen> {
  const terminal = new xterm.Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
  await new Promise<void>((done) => terminal.write(raw, done));
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  const wrapped: string[] = [];
  for (let index = 0; index < buffer.length; index += 1) {
    const line = buffer.getLine(index)!;
    lines.push(line.translateToString(true));
    if (line.isWrapped) wrapped.push(line.translateToString(true));
  }
  terminal.dispose();
  while (lines.at(-1) === '') lines.pop();
  return { lines, wrapped };
}

const count = (lines: string[], predicate: (line: string) => boolean) => lines.filter(predicate).length;
const SGR = /\u001b\[[0-9;]*m/;
const CURSOR_MOVEMENT = /\u001b\[\d*[ABCDGHJK]/;
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '');

describe.concurrent('live progress view in a terminal', () => {
  test.for([
    [60, 20],
    [120, 30],
  ])('at %i columns: log lines once, one final frame with every phase done, nothing wider than the terminal', async ([cols, rows]) => {
    const run = await runInPty(cols!, rows!);
    expect(run.code, run.raw).toBe(0);
    // Several frames were drawn while the run went (each redraw rewrites the changing header).
    expect(stripAnsi(run.raw).split('wf pty-demo · ').length - 1).toBeGreaterThanOrEqual(3);
    expect(stripAnsi(run.raw)).toMatch(/◦ #\d+ gather \S+ +.*› (read_file sources\.md|web_search)/);
    expect(run.raw).toMatch(SGR);

    const { lines, wrapped } = await screenOf(run.raw, cols!, rows!);
    const shown = lines.join('\n');
    expect(wrapped, shown).toEqual([]);
    expect(count(lines, (line) => line === '  log: gathered 4 notes'), shown).toBe(1);
    expect(count(lines, (line) => line === '▸ phase Gather'), shown).toBe(1);
    expect(count(lines, (line) => line === '▸ phase Write'), shown).toBe(1);
    // No stale frames stacked in the scrollback: the header is there once, in its final form.
    expect(count(lines, (line) => line.startsWith('wf pty-demo · ')), shown).toBe(1);
    expect(count(lines, (line) => line.startsWith('agents ')), shown).toBe(1);
    expect(lines.find((line) => line.startsWith('wf pty-demo · '))).toMatch(/ · completed in \d/);
    expect(lines.find((line) => line.startsWith('agents '))).toMatch(/^agents 7\/7 done · 770 tokens$/);
    expect(lines.find((line) => line.startsWith('✓ Gather'))).toMatch(/ 4\/4 /);
    expect(lines.find((line) => line.startsWith('✓ Write'))).toMatch(/ 3\/3 /);
    expect(count(lines, (line) => line.includes(' ◦ #')), shown).toBe(0);
    // Below the final frame: how the run ended, then the result on stdout.
    const ended = lines.findIndex((line) => line.startsWith('wf: run completed in '));
    expect(ended, shown).toBeGreaterThan(lines.findIndex((line) => line.startsWith('✓ Write')));
    expect(lines.at(-1)).toBe('draft draft draft');
    // The cursor is shown again at the end.
    expect(run.raw.lastIndexOf('\u001b[?25h')).toBeGreaterThan(run.raw.lastIndexOf('\u001b[?25l'));
  });

  test('NO_COLOR=1: the live view without a single colour sequence', async () => {
    const run = await runInPty(100, 30, [], { NO_COLOR: '1' });
    expect(run.code, run.raw).toBe(0);
    expect(run.raw).not.toMatch(SGR);
    expect(run.raw).toMatch(CURSOR_MOVEMENT);
    const { lines } = await screenOf(run.raw, 100, 30);
    expect(count(lines, (line) => line.startsWith('wf pty-demo · '))).toBe(1);
  });

  test('--plain: one line per event, no cursor movement, even on a terminal', async () => {
    const run = await runInPty(100, 30, ['--plain']);
    expect(run.code, run.raw).toBe(0);
    expect(run.raw).not.toMatch(CURSOR_MOVEMENT);
    expect(run.raw).not.toContain('\u001b[?2026h');
    const { lines, wrapped } = await screenOf(run.raw, 100, 30);
    expect(lines).toContain('▸ phase Gather');
    expect(lines.some((line) => /^  ✓ #3 gather 数据整理 completed \(\d+ms, 110 tokens\)$/.test(line)), lines.join('\n')).toBe(true);
    expect(lines).toContain('  log: gathered 4 notes');
    expect(lines.some((line) => line.startsWith('wf: run completed in '))).toBe(true);
    expect(wrapped.every((line) => !line.startsWith('wf:'))).toBe(true);
  });

  test('--events - on a terminal: the events and plain progress share the screen, never a live frame', async () => {
    const run = await runInPty(120, 30, ['--events', '-']);
    expect(run.code, run.raw).toBe(0);
    expect(run.raw).not.toMatch(CURSOR_MOVEMENT);
    const { lines } = await screenOf(run.raw, 120, 30);
    const events = lines.filter((line) => line.startsWith('{"time":'));
    expect(events.length, lines.join('\n')).toBeGreaterThan(10);
    expect(lines).toContain('▸ phase Gather');
  });
});
