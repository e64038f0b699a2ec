import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileTool } from '../../../../src/dispatch/tools/read-file.js';
import { contextFor, removeDir, run, tempDir, toolError } from './support.js';

let base: string;
let root: string;
const read = (input: Record<string, unknown>) => run(readFileTool, contextFor(root), input);

beforeAll(async () => {
  base = await tempDir('read');
  root = join(base, 'root');
  await mkdir(join(root, 'src'), { recursive: true });
  await writeFile(join(root, 'src', 'small.ts'), 'one\r\ntwo\nthree\n');
  await writeFile(join(root, 'no-final-newline.txt'), 'a\nb');
  await writeFile(join(root, 'empty.txt'), '');
  await writeFile(join(root, 'big.txt'), Array.from({ length: 9000 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
  await writeFile(join(root, 'wide.txt'), `${'x'.repeat(5000)}\nshort\n`);
  // 600 lines of 1000 chars: more than 256 KB within the default 2000-line window.
  await writeFile(join(root, 'heavy.txt'), Array.from({ length: 600 }, (_, i) => `${i + 1}:${'y'.repeat(1000)}`).join('\n'));
  await writeFile(join(root, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
  await writeFile(join(base, 'outside.txt'), 'secret');
  await symlink(join(base, 'outside.txt'), join(root, 'link.txt'));
  await writeFile(join(root, '.env.production'), 'TOKEN=1');
});
afterAll(() => removeDir(base));

describe('read_file', () => {
  it('numbers lines, strips CR, and shows a small file whole without a footer', async () => {
    expect(await read({ path: 'src/small.ts' })).toBe('    1\tone\n    2\ttwo\n    3\tthree');
    expect(await read({ path: 'no-final-newline.txt' })).toBe('    1\ta\n    2\tb');
  });

  it('pages a large file: first page names the next offset, the continuation works, the last page says end of file', async () => {
    const first = await read({ path: 'big.txt' });
    expect(first.split('\n')[0]).toBe('    1\tline 1');
    expect(first.split('\n')[1999]).toBe(' 2000\tline 2000');
    expect(first).not.toContain('line 2001');
    expect(first.endsWith('[showing lines 1–2000 of 9000; call again with offset 2001]')).toBe(true);

    const second = await read({ path: 'big.txt', offset: 2001 });
    expect(second.split('\n')[0]).toBe(' 2001\tline 2001');
    expect(second).toContain('call again with offset 4001');

    const last = await read({ path: 'big.txt', offset: 8001 });
    expect(last.split('\n')[0]).toBe(' 8001\tline 8001');
    expect(last).toContain(' 9000\tline 9000');
    expect(last.endsWith('[showing lines 8001–9000 of 9000; end of file]')).toBe(true);
  });

  it('honours limit', async () => {
    const out = await read({ path: 'big.txt', offset: 10, limit: 3 });
    expect(out).toBe('   10\tline 10\n   11\tline 11\n   12\tline 12\n[showing lines 10–12 of 9000; call again with offset 13]');
  });

  it('stops at 256 KB and gives the offset to continue from', async () => {
    const out = await read({ path: 'heavy.txt' });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(256 * 1024 + 200);
    const footer = /\[showing lines 1–(\d+) of 600 \(256 KB per call\); call again with offset (\d+)\]$/.exec(out);
    expect(footer).not.toBeNull();
    const shownUpTo = Number(footer![1]);
    expect(shownUpTo).toBeGreaterThan(200);
    expect(shownUpTo).toBeLessThan(600);
    expect(Number(footer![2])).toBe(shownUpTo + 1);
    const next = await read({ path: 'heavy.txt', offset: shownUpTo + 1 });
    expect(next.startsWith(`${String(shownUpTo + 1).padStart(5)}\t${shownUpTo + 1}:`)).toBe(true);
  });

  it('cuts lines longer than 2000 characters and marks them', async () => {
    const out = await read({ path: 'wide.txt' });
    const [first, second] = out.split('\n');
    expect(first).toBe(`    1\t${'x'.repeat(2000)}…[line cut at 2000 chars]`);
    expect(second).toBe('    2\tshort');
  });

  it('refuses binary files', async () => {
    expect(await toolError(read({ path: 'image.png' }))).toContain('binary file');
  });

  it('reports an empty file, an offset past the end and a missing file', async () => {
    expect(await read({ path: 'empty.txt' })).toContain('is empty');
    expect(await toolError(read({ path: 'src/small.ts', offset: 10 }))).toContain('past the end');
    expect(await toolError(read({ path: 'nope.txt' }))).toBe('"nope.txt" not found');
  });

  it('refuses paths outside the root, symlinks out, and denylisted files', async () => {
    await toolError(read({ path: '../outside.txt' }));
    await toolError(read({ path: join(base, 'outside.txt') }));
    expect(await toolError(read({ path: 'link.txt' }))).toContain('outside');
    expect(await toolError(read({ path: '.env.production' }))).toContain('denied');
  });

  it('validates its input', async () => {
    expect(await toolError(read({}))).toBe('path is required');
    expect(await toolError(read({ path: 3 }))).toContain('path must be a string');
    expect(await toolError(read({ path: 'big.txt', offset: 0 }))).toContain('offset must be at least 1');
    expect(await toolError(read({ path: 'big.txt', limit: 1.5 }))).toContain('limit must be an integer');
  });
});
