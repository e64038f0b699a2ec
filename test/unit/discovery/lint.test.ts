/**
 * D12: every saved and example workflow has a pure-literal meta whose name equals its file stem.
 * The shipped folders (.boocode/workflows, catalog/) are linted when they hold workflow files; while
 * they are empty, the test that uses them says so and the same lint runs over fixtures instead.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isWorkflowFileName, listWorkflows, type WorkflowEntry } from '../../../src/discovery/index.js';
import { createWorld, ROOTS, workflowSource, type World } from './fixture.js';

const PACKAGE_ROOT = path.resolve(import.meta.dirname, '../../..');
const SHIPPED_DIRS = [path.join(PACKAGE_ROOT, '.boocode', 'workflows'), path.join(PACKAGE_ROOT, 'catalog')];

/** Problems of one folder, as lines; empty when every workflow file is valid and named after its stem. */
async function lint(dir: string): Promise<string[]> {
  return (await lintWithCount(dir)).problems;
}

async function lintWithCount(dir: string): Promise<{ problems: string[]; listed: number }> {
  // The folder as the only root: an empty home and an empty cwd outside any repository.
  const empty = path.join(dir, '.wf-lint-nonexistent');
  const listing = await listWorkflows({ cwd: empty, homeDir: empty, catalogDir: dir });
  const entries = listing.entries.filter((entry) => entry.root.dir === path.resolve(dir));
  const problems = entries.flatMap((entry: WorkflowEntry) => {
    if (entry.error !== undefined) return [entry.error];
    if (entry.meta?.name !== entry.name) return [`${entry.file}: meta.name "${entry.meta?.name}" ≠ stem "${entry.name}"`];
    return [];
  });
  const skipped = listing.roots.filter((root) => root.root.dir === path.resolve(dir)).flatMap((root) => root.skipped.map((file) => `${file.file}: skipped (${file.reason})`));
  return { problems: [...problems, ...skipped], listed: entries.length };
}

function workflowFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter(isWorkflowFileName);
  } catch {
    return [];
  }
}

let world: World;
beforeEach(() => {
  world = createWorld();
});
afterEach(() => world.cleanup());

describe('D12 lint over saved and example workflows', () => {
  test.each(SHIPPED_DIRS)('D12 every workflow in %s has a valid meta and name == stem', async (dir) => {
    const files = workflowFilesIn(dir);
    if (files.length === 0) {
      // Nothing shipped yet: the fixture tests below carry D12 until this folder is filled.
      console.info(`D12: ${dir} holds no workflow files yet; linting fixtures instead`);
      expect(await lint(dir)).toEqual([]);
      return;
    }
    const { problems, listed } = await lintWithCount(dir);
    expect(problems).toEqual([]);
    expect(listed).toBe(files.length);
  });

  test('D12 (fixtures) a folder of valid workflows named after their stems lints clean', async () => {
    world.write(`${ROOTS.catalog}/review.js`, workflowSource('review'));
    world.write(`${ROOTS.catalog}/deploy.ts`, workflowSource('deploy'));
    world.write(`${ROOTS.catalog}/fan-out.mjs`, workflowSource('fan-out'));
    expect(await lint(world.catalog)).toEqual([]);
  });

  test('D12 (fixtures) the lint reports a non-literal meta and a meta.name that differs from the stem', async () => {
    world.write(`${ROOTS.catalog}/review.js`, workflowSource('review'));
    const mismatch = world.write(`${ROOTS.catalog}/stem-mismatch.js`, workflowSource('a-different-name'));
    const computed = world.write(
      `${ROOTS.catalog}/computed.js`,
      'export const meta = { name: `computed-${1}`, description: "d" };\n',
    );
    const problems = await lint(world.catalog);
    expect(problems).toHaveLength(2);
    expect(problems.find((problem) => problem.startsWith(`${computed}:1:`))).toBeDefined();
    expect(problems).toContain(`${mismatch}: meta.name "a-different-name" ≠ stem "stem-mismatch"`);
  });
});
