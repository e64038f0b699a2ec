/**
 * Where a project's run directories live: `<project>/.boocode/runs/`. The project is the nearest
 * ancestor of the working directory that has a `.boocode/` directory, else the repository root
 * (nearest `.git`), else the working directory itself. So `wf` run from a subfolder of a project
 * still writes its runs where the project keeps them.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RUNS_DIRNAME } from './run-dir.js';

function has(path: string, kind: 'dir' | 'any'): boolean {
  try {
    const stats = statSync(path);
    return kind === 'any' || stats.isDirectory();
  } catch {
    return false;
  }
}

export function projectDir(cwd: string): string {
  let gitRoot: string | undefined;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (has(join(dir, '.boocode'), 'dir')) return dir;
    if (gitRoot === undefined && has(join(dir, '.git'), 'any')) gitRoot = dir;
    if (dirname(dir) === dir) break;
  }
  return gitRoot ?? resolve(cwd);
}

export function runsDirFor(cwd: string): string {
  return join(projectDir(cwd), RUNS_DIRNAME);
}
