import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { WfError, WfUsageError } from '../../../src/errors.js';
import {
  InvalidWorkflowError,
  isPathArgument,
  listWorkflows,
  nearMatches,
  resolveWorkflow,
  UnknownWorkflowError,
  WorkflowNotFoundError,
} from '../../../src/discovery/index.js';
import { createWorld, ROOTS, workflowSource, type World } from './fixture.js';

let world: World;
beforeEach(() => {
  world = createWorld();
});
afterEach(() => world.cleanup());

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('D: resolving `wf run <arg>`', () => {
  test('D01 an argument ending in .js is always a path, even when a saved workflow of that name exists', async () => {
    world.write(`${ROOTS.repoProject}/review.js`, workflowSource('review'));
    const local = world.write('home/code/app/packages/api/review.js', workflowSource('review'));
    expect(await resolveWorkflow('review.js', world.options())).toEqual({ file: local });

    const elsewhere = world.mkdir('home/code/app/packages/web');
    const error = await rejection(resolveWorkflow('review.js', world.options({ cwd: elsewhere })));
    expect(error).toBeInstanceOf(WorkflowNotFoundError);
    expect(error.message).toContain(path.join(elsewhere, 'review.js'));
    expect((error as WorkflowNotFoundError).hint).toContain('wf run review');
  });

  test('D01 .ts and .mjs arguments are paths too', async () => {
    const ts = world.write('home/code/app/packages/api/flow.ts', workflowSource('flow'));
    const mjs = world.write('home/code/app/packages/api/flow2.mjs', workflowSource('flow2'));
    expect((await resolveWorkflow('flow.ts', world.options())).file).toBe(ts);
    expect((await resolveWorkflow('flow2.mjs', world.options())).file).toBe(mjs);
  });

  test('D02 a relative path resolves against cwd; a missing one is a clear usage error with the absolute path', async () => {
    const file = world.write('home/code/app/flows/x.js', workflowSource('x'));
    expect(await resolveWorkflow('../../flows/x.js', world.options())).toEqual({ file });

    const error = await rejection(resolveWorkflow('./nope/missing.js', world.options()));
    expect(error).toBeInstanceOf(WorkflowNotFoundError);
    expect(error).toBeInstanceOf(WfUsageError);
    expect((error as WfError).code).toBe('WF_USAGE');
    expect(error.message).toBe(`workflow file not found: ${path.join(world.pkg, 'nope/missing.js')}`);
  });

  test('D02 a path to a directory is an error, not a run', async () => {
    world.mkdir('home/code/app/packages/api/dir.js');
    const error = await rejection(resolveWorkflow('dir.js', world.options()));
    expect(error).toBeInstanceOf(WorkflowNotFoundError);
    expect(error.message).toContain('directory');
  });

  test.each([
    ['the project dir', ROOTS.repoProject],
    ['the user-global dir', ROOTS.user],
    ['.claude/workflows (project)', ROOTS.repoClaude],
    ['~/.claude/workflows', ROOTS.claudeUser],
    ['the catalog', ROOTS.catalog],
  ])('D03 a bare name present only in %s is found', async (_label, root) => {
    const file = world.write(`${root}/solo.js`, workflowSource('solo'));
    const resolved = await resolveWorkflow('solo', world.options());
    expect(resolved.file).toBe(file);
    expect(resolved.entry?.meta?.name).toBe('solo');
  });

  test('D04 project beats global; the dir closest to cwd wins; a root-only name resolves from a nested package', async () => {
    world.write(`${ROOTS.user}/review.js`, workflowSource('review'));
    const atRoot = world.write(`${ROOTS.repoProject}/review.js`, workflowSource('review'));
    expect((await resolveWorkflow('review', world.options())).file).toBe(atRoot);

    const nested = world.write(`${ROOTS.pkgProject}/review.js`, workflowSource('review'));
    expect((await resolveWorkflow('review', world.options())).file).toBe(nested);
    expect((await resolveWorkflow('review', world.options({ cwd: world.repo }))).file).toBe(atRoot);

    const rootOnly = world.write(`${ROOTS.repoProject}/deploy.js`, workflowSource('deploy'));
    expect((await resolveWorkflow('deploy', world.options())).file).toBe(rootOnly);
  });

  test('§1 $WF_HOME: workflows there are found by name, and ~/.boocode/workflows is no longer searched', async () => {
    const wfHome = world.mkdir('wfhome');
    const inWfHome = world.write('wfhome/workflows/mine.js', workflowSource('mine'));
    world.write(`${ROOTS.user}/theirs.js`, workflowSource('theirs'));
    expect((await resolveWorkflow('mine', world.options({ wfHome }))).file).toBe(inWfHome);
    expect(await rejection(resolveWorkflow('theirs', world.options({ wfHome })))).toBeInstanceOf(UnknownWorkflowError);
    expect(await rejection(resolveWorkflow('mine', world.options()))).toBeInstanceOf(UnknownWorkflowError);
  });

  test('D05 an escaping symlink cannot be run by name; an in-root alias can, and list and resolve agree', async () => {
    const outside = world.write('outside/evil.js', workflowSource('evil'));
    const rootDir = path.join(world.base, ROOTS.repoProject);
    world.write(`${ROOTS.repoProject}/review.js`, workflowSource('review'));
    symlinkSync(outside, path.join(rootDir, 'evil.js'));
    symlinkSync('review.js', path.join(rootDir, 'rev.js'));

    expect(await rejection(resolveWorkflow('evil', world.options()))).toBeInstanceOf(UnknownWorkflowError);
    const resolved = await resolveWorkflow('rev', world.options());
    const listed = (await listWorkflows(world.options())).entries.find((entry) => entry.name === 'rev');
    expect(resolved.file).toBe(path.join(rootDir, 'rev.js'));
    expect(resolved.entry).toEqual(listed);
  });

  test('D06 a directory named thing.js is not run by name', async () => {
    world.write(`${ROOTS.repoProject}/thing.js/index.js`, workflowSource('thing'));
    const error = await rejection(resolveWorkflow('thing', world.options()));
    expect(error).toBeInstanceOf(UnknownWorkflowError);
  });

  test('D07 an unknown name lists near matches, best first, and every root searched', async () => {
    world.write(`${ROOTS.repoProject}/review.js`, workflowSource('review'));
    world.write(`${ROOTS.catalog}/code-review.js`, workflowSource('code-review'));
    world.write(`${ROOTS.catalog}/deploy.js`, workflowSource('deploy'));
    const error = await rejection(resolveWorkflow('revew', world.options()));
    expect(error).toBeInstanceOf(UnknownWorkflowError);
    expect(error).toBeInstanceOf(WfUsageError);
    const unknown = error as UnknownWorkflowError;
    expect(unknown.message).toMatch(/^unknown workflow "revew"; did you mean: review\?/);
    expect(unknown.suggestions).toEqual(['review']);
    const roots = (await listWorkflows(world.options())).roots;
    expect(unknown.searched).toHaveLength(roots.length);
    for (const { root } of roots) expect(unknown.message).toContain(root.dir);
  });

  test('D08 a name whose meta is non-literal cannot be run by name and the error says why; a broken body still resolves', async () => {
    const bad = world.write(
      `${ROOTS.repoProject}/bad.js`,
      'export const meta = { name: "bad", description: "d" + "" };\nreturn 1;\n',
    );
    const brokenBody = world.write(
      `${ROOTS.repoProject}/broken-body.js`,
      'export const meta = { name: "broken-body", description: "d" };\nconst x = ;\n',
    );
    const error = await rejection(resolveWorkflow('bad', world.options()));
    expect(error).toBeInstanceOf(InvalidWorkflowError);
    expect(error).toBeInstanceOf(WfUsageError);
    expect(error.message).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:\\d+`));
    expect((error as InvalidWorkflowError).location).toMatchObject({ file: bad, line: 1 });
    // The syntax error in the body surfaces when it runs (compile/), not during resolution.
    expect((await resolveWorkflow('broken-body', world.options())).file).toBe(brokenBody);
  });

  test('D08 an invalid project override still owns its name: the valid catalog entry is not run instead', async () => {
    const override = world.write(`${ROOTS.repoProject}/review.js`, 'export const meta = { name: review, description: "d" };\n');
    const builtin = world.write(`${ROOTS.catalog}/review.js`, workflowSource('review'));
    expect(await rejection(resolveWorkflow('review', world.options()))).toBeInstanceOf(InvalidWorkflowError);
    const listed = (await listWorkflows(world.options())).entries.find((entry) => entry.file === builtin);
    expect(listed?.shadowedBy).toBe(override);
  });

  test('D10 a name containing / is a path lookup, not a name', async () => {
    world.write(`${ROOTS.repoProject}/flow.js`, workflowSource('flow'));
    const error = await rejection(resolveWorkflow('sub/flow', world.options()));
    expect(error).toBeInstanceOf(WorkflowNotFoundError);
    expect(error.message).toContain(path.join(world.pkg, 'sub/flow'));

    const file = world.write('home/code/app/packages/api/sub/flow', workflowSource('flow'));
    expect(await resolveWorkflow('sub/flow', world.options())).toEqual({ file });
  });

  test('D10 a name with illegal characters is a path lookup', async () => {
    world.write(`${ROOTS.repoProject}/my flow.js`, workflowSource('my flow'));
    expect(isPathArgument('my flow')).toBe(true);
    expect(isPathArgument('..')).toBe(true);
    expect(isPathArgument('a:b')).toBe(true);
    expect(isPathArgument('code-review_2.v1')).toBe(false);
    const error = await rejection(resolveWorkflow('my flow', world.options()));
    expect(error).toBeInstanceOf(WorkflowNotFoundError);
    expect(error.message).toContain(path.join(world.pkg, 'my flow'));

    const file = world.write('home/code/app/packages/api/my flow', workflowSource('my flow'));
    expect((await resolveWorkflow('my flow', world.options())).file).toBe(file);
  });

  test('F24 the name is the stem: meta.name does not resolve, but is offered as the suggestion', async () => {
    const file = world.write(`${ROOTS.repoProject}/stem-mismatch.js`, workflowSource('a-different-name'));
    expect((await resolveWorkflow('stem-mismatch', world.options())).file).toBe(file);
    const error = await rejection(resolveWorkflow('a-different-name', world.options()));
    expect(error).toBeInstanceOf(UnknownWorkflowError);
    expect((error as UnknownWorkflowError).suggestions[0]).toBe('stem-mismatch');
  });
});

describe('D07 nearMatches', () => {
  test('D07 edit distance up to 2, best first', () => {
    expect(nearMatches('revew', ['deploy', 'reviews', 'review', 'preview'])).toEqual(['review', 'preview', 'reviews']);
  });

  test('D07 prefix and substring matches count, after closer edits', () => {
    expect(nearMatches('review', ['code-review-deep', 'reviewer', 'other'])).toEqual(['reviewer', 'code-review-deep']);
  });

  test('D07 case differences count as no distance; the exact name is never suggested', () => {
    expect(nearMatches('Review', ['review', 'Review'])).toEqual(['review']);
  });

  test('D07 short names need a closer match, and unrelated names give nothing', () => {
    expect(nearMatches('ab', ['xy', 'ac'])).toEqual(['ac']);
    expect(nearMatches('zzzzzz', ['review', 'deploy'])).toEqual([]);
  });

  test('D07 at most five suggestions', () => {
    const many = Array.from({ length: 9 }, (_, index) => `flow${index}`);
    expect(nearMatches('flow', many)).toHaveLength(5);
  });
});
