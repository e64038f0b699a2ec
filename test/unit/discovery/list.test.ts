import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listWorkflows, type Listing } from '../../../src/discovery/index.js';
import { createWorld, ROOTS, workflowSource, type World } from './fixture.js';

let world: World;
beforeEach(() => {
  world = createWorld();
});
afterEach(() => world.cleanup());

const winners = (listing: Listing) => listing.entries.filter((entry) => entry.shadowedBy === undefined);
const named = (listing: Listing, name: string) => listing.entries.filter((entry) => entry.name === name);

describe('D: listing', () => {
  test('§1 precedence across all five kinds: the project entry wins, every other one is marked shadowed by it', async () => {
    const files = [
      world.write(`${ROOTS.pkgProject}/review.js`, workflowSource('review')),
      world.write(`${ROOTS.pkgClaude}/review.js`, workflowSource('review')),
      world.write(`${ROOTS.user}/review.js`, workflowSource('review')),
      world.write(`${ROOTS.claudeUser}/review.js`, workflowSource('review')),
      world.write(`${ROOTS.catalog}/review.js`, workflowSource('review')),
    ];
    const listing = await listWorkflows(world.options());
    const reviews = named(listing, 'review');
    expect(reviews.map((entry) => entry.file)).toEqual(files);
    expect(reviews.map((entry) => entry.root.kind)).toEqual(['project', 'claude-project', 'user', 'claude-user', 'catalog']);
    expect(reviews[0]?.shadowedBy).toBeUndefined();
    for (const shadowed of reviews.slice(1)) expect(shadowed.shadowedBy).toBe(files[0]);
  });

  test('D04 project beats global, nearest project dir beats the repo root, root-only names stay visible', async () => {
    const nested = world.write(`${ROOTS.pkgProject}/review.js`, workflowSource('review'));
    const atRoot = world.write(`${ROOTS.repoProject}/review.js`, workflowSource('review'));
    const rootOnly = world.write(`${ROOTS.repoProject}/deploy.js`, workflowSource('deploy'));
    const global = world.write(`${ROOTS.user}/deploy.js`, workflowSource('deploy'));
    const listing = await listWorkflows(world.options());

    expect(winners(listing).map((entry) => [entry.name, entry.file])).toEqual([
      ['review', nested],
      ['deploy', rootOnly],
    ]);
    expect(named(listing, 'review').find((entry) => entry.file === atRoot)?.shadowedBy).toBe(nested);
    expect(named(listing, 'deploy').find((entry) => entry.file === global)?.shadowedBy).toBe(rootOnly);
  });

  test('D05 a symlink pointing outside its root is skipped; an in-root alias is listed', async () => {
    const outside = world.write('outside/evil.js', workflowSource('evil'));
    const rootDir = path.join(world.base, ROOTS.repoProject);
    const target = world.write(`${ROOTS.repoProject}/review.js`, workflowSource('review'));
    symlinkSync(outside, path.join(rootDir, 'evil.js'));
    symlinkSync(path.join('..', '..', '..', '..', '..', 'outside', 'evil.js'), path.join(rootDir, 'relative-evil.js'));
    symlinkSync('review.js', path.join(rootDir, 'rev.js'));
    symlinkSync('missing.js', path.join(rootDir, 'dangling.js'));

    const listing = await listWorkflows(world.options());
    expect(listing.entries.map((entry) => entry.name).sort()).toEqual(['rev', 'review']);
    const alias = named(listing, 'rev')[0];
    expect(alias?.file).toBe(path.join(rootDir, 'rev.js'));
    expect(alias?.meta?.name).toBe('review');
    expect(alias?.error).toBeUndefined();
    expect(named(listing, 'review')[0]?.file).toBe(target);

    const status = listing.roots.find((root) => root.root.dir === rootDir);
    expect(status?.skipped).toEqual(
      expect.arrayContaining([
        { file: path.join(rootDir, 'evil.js'), reason: 'outside-root' },
        { file: path.join(rootDir, 'relative-evil.js'), reason: 'outside-root' },
        { file: path.join(rootDir, 'dangling.js'), reason: 'broken-link' },
      ]),
    );
  });

  test('D06 a directory named thing.js is skipped, and so is an in-root link to a directory', async () => {
    world.write(`${ROOTS.repoProject}/thing.js/index.js`, workflowSource('thing'));
    world.mkdir(`${ROOTS.repoProject}/folder`);
    symlinkSync('folder', path.join(world.base, ROOTS.repoProject, 'linked.js'));
    world.write(`${ROOTS.repoProject}/real.js`, workflowSource('real'));
    const listing = await listWorkflows(world.options());
    expect(listing.entries.map((entry) => entry.name)).toEqual(['real']);
    const status = listing.roots.find((root) => root.root.dir === path.join(world.base, ROOTS.repoProject));
    expect(status?.skipped.map((skipped) => [path.basename(skipped.file), skipped.reason]).sort()).toEqual([
      ['linked.js', 'directory'],
      ['thing.js', 'directory'],
    ]);
  });

  test('D08 non-literal metas are listed as invalid with file:line:col; a broken body with a valid meta is listed as valid', async () => {
    const identifier = world.write(
      `${ROOTS.repoProject}/ident.js`,
      'const n = "x";\nexport const meta = { name: n, description: "d" };\n',
    );
    const binary = world.write(
      `${ROOTS.repoProject}/binary.js`,
      'export const meta = {\n  name: "binary",\n  description: "d" + "",\n};\nreturn 1;\n',
    );
    world.write(`${ROOTS.repoProject}/good.js`, workflowSource('good'));
    world.write(
      `${ROOTS.repoProject}/broken-body.js`,
      'export const meta = { name: "broken-body", description: "d" };\nconst x = ;\nreturn (\n',
    );

    const listing = await listWorkflows(world.options());
    const byName = new Map(listing.entries.map((entry) => [entry.name, entry]));
    expect([...byName.keys()].sort()).toEqual(['binary', 'broken-body', 'good', 'ident']);
    expect(byName.get('good')?.error).toBeUndefined();
    expect(byName.get('good')?.meta?.description).toBe('the good workflow');
    expect(byName.get('broken-body')?.error).toBeUndefined();
    expect(byName.get('broken-body')?.meta?.name).toBe('broken-body');

    expect(byName.get('ident')?.meta).toBeUndefined();
    expect(byName.get('ident')?.error).toMatch(new RegExp(`^${escape(identifier)}:\\d+:\\d+: `));
    expect(byName.get('binary')?.meta).toBeUndefined();
    expect(byName.get('binary')?.error).toMatch(new RegExp(`^${escape(binary)}:3:\\d+: `));
    expect(byName.get('binary')?.errorLocation).toMatchObject({ file: binary, line: 3 });
  });

  test('D09 non-workflow files are ignored; a file where the workflows dir should be is an invalid root, the others still list', async () => {
    world.write(`${ROOTS.repoProject}/README.md`, '# notes\nexport const meta = {}');
    world.write(`${ROOTS.repoProject}/data.json`, '{"a": 1}');
    world.write(`${ROOTS.repoProject}/types.d.ts`, 'export const meta: { name: string };\n');
    world.write(`${ROOTS.repoProject}/helper.js`, 'export function helper() { return 1; }\n');
    world.write(`${ROOTS.repoProject}/ok.js`, workflowSource('ok'));
    const notADir = world.write(ROOTS.pkgClaude, 'this is a file, not a directory\n');
    world.write(`${ROOTS.catalog}/builtin.js`, workflowSource('builtin'));

    const listing = await listWorkflows(world.options());
    expect(listing.entries.map((entry) => entry.name)).toEqual(['ok', 'builtin']);
    const statusOf = (dir: string) => listing.roots.find((root) => root.root.dir === dir);
    expect(statusOf(notADir)).toMatchObject({ status: 'invalid', error: expect.stringContaining('not a directory') });
    expect(statusOf(path.join(world.base, ROOTS.repoProject))?.status).toBe('ok');
    expect(statusOf(path.join(world.base, ROOTS.user))?.status).toBe('missing');
    expect(statusOf(path.join(world.base, ROOTS.repoProject))?.skipped).toEqual([
      { file: path.join(world.base, ROOTS.repoProject, 'helper.js'), reason: 'not-a-workflow' },
    ]);
  });

  test('§1 a .ts and a .js of the same stem in one root: the .ts wins and the .js is marked shadowed', async () => {
    const js = world.write(`${ROOTS.repoProject}/review.js`, workflowSource('review'));
    const ts = world.write(`${ROOTS.repoProject}/review.ts`, workflowSource('review'));
    const mjs = world.write(`${ROOTS.repoProject}/review.mjs`, workflowSource('review'));
    const listing = await listWorkflows(world.options());
    expect(named(listing, 'review').map((entry) => [entry.file, entry.shadowedBy])).toEqual([
      [ts, undefined],
      [js, ts],
      [mjs, ts],
    ]);
  });

  test('F24 a meta.name that differs from the file stem is listed under the stem, with a warning', async () => {
    world.write(`${ROOTS.repoProject}/stem-mismatch.js`, workflowSource('a-different-name'));
    const listing = await listWorkflows(world.options());
    expect(listing.entries.map((entry) => entry.name)).toEqual(['stem-mismatch']);
    const warnings = listing.entries[0]?.warnings ?? [];
    expect(warnings.filter((warning) => warning.includes('a-different-name'))).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/stem/);
  });

  test('F24 a matching meta.name gives no warning', async () => {
    world.write(`${ROOTS.repoProject}/review.js`, workflowSource('review'));
    const listing = await listWorkflows(world.options());
    expect(listing.entries[0]?.warnings).toEqual([]);
  });

  test('§1 listing never executes a script', async () => {
    const marker = path.join(world.base, 'executed');
    world.write(
      `${ROOTS.repoProject}/side-effect.js`,
      `export const meta = { name: "side-effect", description: "d" };\nrequire("fs").writeFileSync(${JSON.stringify(marker)}, "x");\n`,
    );
    world.write(
      `${ROOTS.repoProject}/side-effect-module.mjs`,
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "x");\nexport const meta = { name: "side-effect-module", description: "d" };\n`,
    );
    const listing = await listWorkflows(world.options());
    expect(listing.entries.map((entry) => entry.name).sort()).toEqual(['side-effect', 'side-effect-module']);
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });

  test('§1 lists 500 workflows, all valid (its speed is measured in bench/, not asserted here)', async () => {
    for (let index = 0; index < 500; index++) {
      const name = `flow-${String(index).padStart(3, '0')}`;
      world.write(`${ROOTS.repoProject}/${name}.js`, workflowSource(name) + 'const filler = 1;\n'.repeat(50));
    }
    const listing = await listWorkflows(world.options());
    expect(listing.entries).toHaveLength(500);
    expect(listing.entries.every((entry) => entry.error === undefined)).toBe(true);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
