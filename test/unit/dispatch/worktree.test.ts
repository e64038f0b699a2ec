/**
 * `isolation: 'worktree'` (worktree.ts, worktree-dispatcher.ts) on real git repositories made in a
 * temp directory. The machine's git configuration does not matter: HOME points at an empty temp
 * directory, the system config is off, and git cannot see a repository above the temp directory.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentStoppedError, ZERO_USAGE, type AgentEvent, type AgentReply, type AgentRequest, type Dispatcher } from '../../../src/dispatch/dispatcher.js';
import { createAgentWorktree, slug, WorktreeError } from '../../../src/dispatch/worktree.js';
import { withWorktrees } from '../../../src/dispatch/worktree-dispatcher.js';

const RUN_ID = 'wf_test-run';

let base: string;
const savedEnv: Record<string, string | undefined> = {};

function setEnv(name: string, value: string | undefined): void {
  if (!(name in savedEnv)) savedEnv[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

beforeAll(() => {
  // realpath: on macOS os.tmpdir() is a symlink, and git reports real paths.
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'wf-worktree-')));
  const home = path.join(base, 'home');
  mkdirSync(home);
  setEnv('HOME', home);
  setEnv('XDG_CONFIG_HOME', path.join(home, '.config'));
  setEnv('GIT_CONFIG_NOSYSTEM', '1');
  setEnv('GIT_CEILING_DIRECTORIES', base); // a temp dir inside someone's checkout is still "not a repo"
  setEnv('GIT_AUTHOR_NAME', 'wf test');
  setEnv('GIT_AUTHOR_EMAIL', 'wf@example.invalid');
  setEnv('GIT_COMMITTER_NAME', 'wf test');
  setEnv('GIT_COMMITTER_EMAIL', 'wf@example.invalid');
  // A git hook running these tests would set these; the temp repositories must win.
  for (const name of Object.keys(process.env)) if (/^GIT_(DIR|WORK_TREE|INDEX_FILE|COMMON_DIR|OBJECT_DIRECTORY|PREFIX)$/.test(name)) setEnv(name, undefined);
});

afterAll(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(base, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

let counter = 0;
function freshDir(prefix: string): string {
  const dir = path.join(base, `${prefix}${counter++}`);
  mkdirSync(dir);
  return dir;
}

/** A repository with one commit: tracked.txt = "v1", src/other.txt = "other". */
function makeRepo(): string {
  const dir = freshDir('repo');
  git(dir, 'init', '-q');
  writeFileSync(path.join(dir, 'tracked.txt'), 'v1\n');
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'other.txt'), 'other\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

/** The paths of every worktree of `repo`, the main one first. */
function worktreeList(repo: string): string[] {
  return git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

/** A fake agent: runs `act` in the directory it is given, then replies. */
function fakeAgent(act: (cwd: string, request: AgentRequest) => void | Promise<void> = () => undefined) {
  const calls: AgentRequest[] = [];
  const reply: AgentReply = { output: 'done', usage: ZERO_USAGE };
  const dispatcher: Dispatcher = {
    name: 'fake',
    async run(request) {
      calls.push(request);
      await act(request.cwd ?? '', request);
      return reply;
    },
    profile: (request) => ({ harness: 'fake@1', model: request.model ?? 'm', readsWorkspace: true }),
  };
  return { dispatcher, calls, reply };
}

function request(overrides: Partial<AgentRequest> = {}): AgentRequest {
  return { runId: RUN_ID, index: 0, prompt: 'p', label: 'Fix the bug', attempt: 1, isolation: 'worktree', ...overrides };
}

const signal = () => new AbortController().signal;

describe('withWorktrees', () => {
  it('A2 isolation: removes the worktree of an agent that changed nothing; no reply.worktree; only the main worktree is left', async () => {
    const repo = makeRepo();
    const { dispatcher, calls } = fakeAgent((cwd) => {
      expect(existsSync(path.join(cwd, 'tracked.txt'))).toBe(true); // it existed while the agent ran
    });
    const events: AgentEvent[] = [];
    const reply = await withWorktrees(dispatcher, repo).run(request({ index: 3 }), signal(), (event) => events.push(event));

    expect(reply.output).toBe('done');
    expect(reply.worktree).toBeUndefined();
    const cwd = calls[0]!.cwd!;
    expect(cwd).toBe(path.join(repo, '.boocode', 'worktrees', RUN_ID, '3-fix-the-bug'));
    expect(existsSync(cwd)).toBe(false);
    expect(existsSync(path.join(repo, '.boocode', 'worktrees', RUN_ID))).toBe(false); // empty run dir removed too
    expect(worktreeList(repo)).toEqual([repo]);
    expect(events).toContainEqual({ type: 'activity', text: `worktree ${path.join('.boocode', 'worktrees', RUN_ID, '3-fix-the-bug')}` });
  });

  it('A2 isolation: keeps the worktree of an agent that edited a tracked file and added one, with a diff stat; the main repository stays clean', async () => {
    const repo = makeRepo();
    const { dispatcher, calls } = fakeAgent((cwd) => {
      writeFileSync(path.join(cwd, 'tracked.txt'), 'v2 from the agent\n');
      writeFileSync(path.join(cwd, 'added.txt'), 'new\n');
    });
    const reply = await withWorktrees(dispatcher, repo).run(request(), signal());

    const cwd = calls[0]!.cwd!;
    expect(reply.worktree?.path).toBe(cwd);
    expect(existsSync(cwd)).toBe(true);
    expect(reply.worktree?.diffStat).toContain('tracked.txt');
    expect(reply.worktree?.diffStat).toContain('added.txt');
    expect(reply.worktree?.diffStat).toMatch(/2 files changed/);
    expect(readFileSync(path.join(cwd, 'tracked.txt'), 'utf8')).toBe('v2 from the agent\n');
    // The main working tree is untouched, and the kept worktree does not show up in its status.
    expect(readFileSync(path.join(repo, 'tracked.txt'), 'utf8')).toBe('v1\n');
    expect(existsSync(path.join(repo, 'added.txt'))).toBe(false);
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(readFileSync(path.join(repo, '.boocode', 'worktrees', '.gitignore'), 'utf8')).toBe('*\n');
    expect(worktreeList(repo)).toEqual([repo, cwd]);
  });

  it('A2 isolation: keeps the worktree of an agent that committed (its status is clean, its HEAD moved)', async () => {
    const repo = makeRepo();
    const { dispatcher, calls } = fakeAgent((cwd) => {
      writeFileSync(path.join(cwd, 'committed.txt'), 'c\n');
      git(cwd, 'add', '-A');
      git(cwd, 'commit', '-q', '-m', 'agent work');
      expect(git(cwd, 'status', '--porcelain')).toBe('');
    });
    const reply = await withWorktrees(dispatcher, repo).run(request(), signal());

    expect(reply.worktree?.path).toBe(calls[0]!.cwd);
    expect(reply.worktree?.diffStat).toContain('committed.txt');
    expect(existsSync(calls[0]!.cwd!)).toBe(true);
    expect(worktreeList(repo)).toHaveLength(2);
    expect(git(repo, 'log', '--oneline').trim().split('\n')).toHaveLength(1); // the main branch did not move
  });

  // By design the worktree is a checkout of HEAD: the agent does NOT see uncommitted edits or
  // untracked files of the main working tree.
  it('A2 isolation: gives the inner dispatcher the worktree as cwd, holding HEAD’s files and not the main tree’s uncommitted changes', async () => {
    const repo = makeRepo();
    writeFileSync(path.join(repo, 'tracked.txt'), 'uncommitted edit\n');
    writeFileSync(path.join(repo, 'scratch.txt'), 'untracked\n');
    const seen: Record<string, unknown> = {};
    const { dispatcher, calls } = fakeAgent((cwd) => {
      seen.tracked = readFileSync(path.join(cwd, 'tracked.txt'), 'utf8');
      seen.other = readFileSync(path.join(cwd, 'src', 'other.txt'), 'utf8');
      seen.scratch = existsSync(path.join(cwd, 'scratch.txt'));
      seen.real = realpathSync(cwd);
      seen.head = git(cwd, 'rev-parse', 'HEAD').trim();
    });
    const original = request({ label: 'reader', model: 'x/y' });
    await withWorktrees(dispatcher, repo).run(original, signal());

    const cwd = calls[0]!.cwd!;
    expect(cwd).not.toBe(repo);
    expect(cwd.startsWith(path.join(repo, '.boocode', 'worktrees') + path.sep)).toBe(true);
    expect(seen).toEqual({ tracked: 'v1\n', other: 'other\n', scratch: false, real: cwd, head: git(repo, 'rev-parse', 'HEAD').trim() });
    expect(calls[0]).toEqual({ ...original, cwd }); // the rest of the request is passed on unchanged
    expect(original.cwd).toBeUndefined(); // the caller's request object is not modified
    // The main tree keeps its own uncommitted changes.
    expect(readFileSync(path.join(repo, 'tracked.txt'), 'utf8')).toBe('uncommitted edit\n');
    expect(existsSync(path.join(repo, 'scratch.txt'))).toBe(true);
  });

  it('A2 isolation: outside a git repository fails with WF_NOT_GIT_REPO and never calls the inner dispatcher', async () => {
    const plain = freshDir('plain');
    const { dispatcher, calls } = fakeAgent();
    const error = await withWorktrees(dispatcher, plain)
      .run(request(), signal())
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(WorktreeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'WF_NOT_GIT_REPO', message: `isolation: 'worktree' needs a git repository, and ${plain} is not inside one` });
    expect((error as WorktreeError).hint).toBeTruthy();
    expect(calls).toHaveLength(0);
    expect(existsSync(path.join(plain, '.boocode'))).toBe(false);
  });

  it('in a repository without a commit fails with a clear error and never calls the inner dispatcher', async () => {
    const empty = freshDir('empty');
    git(empty, 'init', '-q');
    const { dispatcher, calls } = fakeAgent();
    await expect(withWorktrees(dispatcher, empty).run(request(), signal())).rejects.toMatchObject({
      code: 'WF_WORKTREE_NO_COMMIT',
      message: expect.stringContaining('has none yet'),
    });
    expect(calls).toHaveLength(0);
  });

  it('runs 6 isolated agents at once in one repository: all succeed, changed ones kept, unchanged ones removed', async () => {
    const repo = makeRepo();
    const { dispatcher, calls } = fakeAgent(async (cwd, req) => {
      await new Promise((resolve) => setTimeout(resolve, 5 * (6 - req.index))); // finish in another order
      if (req.index % 2 === 0) writeFileSync(path.join(cwd, `agent-${req.index}.txt`), `${req.index}\n`);
    });
    const wrapped = withWorktrees(dispatcher, repo);
    const replies = await Promise.all([0, 1, 2, 3, 4, 5].map((index) => wrapped.run(request({ index, label: 'same label' }), signal())));

    expect(calls).toHaveLength(6);
    expect(new Set(calls.map((call) => call.cwd)).size).toBe(6);
    replies.forEach((reply, index) => {
      if (index % 2 === 0) {
        expect(reply.worktree?.diffStat).toContain(`agent-${index}.txt`);
        expect(existsSync(reply.worktree!.path)).toBe(true);
      } else {
        expect(reply.worktree).toBeUndefined();
        expect(existsSync(calls.find((call) => call.index === index)!.cwd!)).toBe(false);
      }
    });
    expect(worktreeList(repo).sort()).toEqual([repo, ...replies.filter((r) => r.worktree).map((r) => r.worktree!.path)].sort());
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('removes an unchanged worktree when the inner dispatcher fails, and rethrows the same error', async () => {
    const repo = makeRepo();
    class ProviderError extends Error {}
    const failure = new ProviderError('provider down');
    const calls: AgentRequest[] = [];
    const dispatcher: Dispatcher = {
      name: 'failing',
      async run(req) {
        calls.push(req);
        throw failure;
      },
    };
    await expect(withWorktrees(dispatcher, repo).run(request(), signal())).rejects.toBe(failure);
    expect(failure.message).toBe('provider down');
    expect(existsSync(calls[0]!.cwd!)).toBe(false);
    expect(worktreeList(repo)).toEqual([repo]);
  });

  it('keeps a changed worktree when the agent is stopped, naming it in the error without changing the error class', async () => {
    const repo = makeRepo();
    const controller = new AbortController();
    const calls: AgentRequest[] = [];
    const dispatcher: Dispatcher = {
      name: 'stopped',
      async run(req) {
        calls.push(req);
        writeFileSync(path.join(req.cwd!, 'half-done.txt'), 'x\n');
        controller.abort();
        throw new AgentStoppedError();
      },
    };
    const events: AgentEvent[] = [];
    const error = await withWorktrees(dispatcher, repo)
      .run(request(), controller.signal, (event) => events.push(event))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const cwd = calls[0]!.cwd!;
    expect(error).toBeInstanceOf(AgentStoppedError);
    expect((error as AgentStoppedError).code).toBe('WF_AGENT_STOPPED');
    expect((error as Error).message).toBe(`agent stopped (changes kept in ${cwd})`);
    expect(existsSync(path.join(cwd, 'half-done.txt'))).toBe(true);
    expect(events).toContainEqual({ type: 'warning', message: `the agent's changes were kept in ${cwd}` });
  });

  it('does not create a worktree (nor call the agent) when the signal is already aborted', async () => {
    const repo = makeRepo();
    const controller = new AbortController();
    controller.abort();
    const { dispatcher, calls } = fakeAgent();
    await expect(withWorktrees(dispatcher, repo).run(request(), controller.signal)).rejects.toBeInstanceOf(AgentStoppedError);
    expect(calls).toHaveLength(0);
    expect(worktreeList(repo)).toEqual([repo]);
  });

  it('passes requests without isolation straight through, without any git call (projectRoot is no repository, git is not on PATH)', async () => {
    const missing = path.join(base, 'no-such-project');
    const { dispatcher, calls, reply } = fakeAgent();
    const events: AgentEvent[] = [];
    const onEvent = (event: AgentEvent) => events.push(event);
    const plain: AgentRequest = { runId: RUN_ID, index: 0, prompt: 'p', label: 'l', attempt: 1 };
    const savedPath = process.env.PATH;
    process.env.PATH = ''; // any git call would fail with ENOENT
    try {
      const result = await withWorktrees(dispatcher, missing).run(plain, signal(), onEvent);
      expect(result).toBe(reply);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(calls).toHaveLength(1);
    expect(calls[0]).toBe(plain);
    expect(events).toEqual([]);
    expect(existsSync(missing)).toBe(false);
  });

  it('keeps the inner dispatcher’s name and profile (the worktree is not part of the step key)', async () => {
    const { dispatcher } = fakeAgent();
    const wrapped = withWorktrees(dispatcher, base);
    expect(wrapped.name).toBe('fake');
    const profileRequest = { model: 'a/b', isolation: 'worktree' as const };
    expect(await wrapped.profile!(profileRequest)).toEqual(await dispatcher.profile!(profileRequest));

    const bare: Dispatcher = { name: 'bare', run: async () => ({ output: 'x', usage: ZERO_USAGE }) };
    expect(withWorktrees(bare, base).profile).toBeUndefined();
  });
});

describe('createAgentWorktree', () => {
  it('makes a detached worktree of HEAD; finish() is idempotent', async () => {
    const repo = makeRepo();
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    const worktree = await createAgentWorktree({ projectRoot: path.join(repo, 'src'), runId: RUN_ID, index: 7, label: '  Review: ÄPI / v2!  ' });
    expect(worktree.baseCommit).toBe(head);
    expect(worktree.repository).toBe(repo);
    expect(worktree.path).toBe(path.join(repo, '.boocode', 'worktrees', RUN_ID, '7-review-pi-v2'));
    expect(git(worktree.path, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('HEAD'); // detached
    expect(git(repo, 'branch', '--list').trim().split('\n')).toHaveLength(1); // no branch was made

    writeFileSync(path.join(worktree.path, 'tracked.txt'), 'changed\n');
    const first = await worktree.finish();
    const second = await worktree.finish();
    expect(first).toEqual({ path: worktree.path, diffStat: expect.stringContaining('tracked.txt') });
    expect(second).toEqual(first);
    expect(git(worktree.path, 'status', '--porcelain')).toBe('M  tracked.txt\n'); // staged by finish()
  });

  it('an unchanged worktree is removed once, and a second finish() does not fail', async () => {
    const repo = makeRepo();
    const worktree = await createAgentWorktree({ projectRoot: repo, runId: RUN_ID, index: 0, label: 'x' });
    expect(await worktree.finish()).toBeUndefined();
    expect(await worktree.finish()).toBeUndefined();
    expect(existsSync(worktree.path)).toBe(false);
    expect(worktreeList(repo)).toEqual([repo]);
  });

  it('picks another directory when a kept worktree already has the name', async () => {
    const repo = makeRepo();
    const options = { projectRoot: repo, runId: RUN_ID, index: 1, label: 'again' };
    const first = await createAgentWorktree(options);
    writeFileSync(path.join(first.path, 'keep.txt'), 'k\n');
    expect(await first.finish()).toBeDefined();
    const second = await createAgentWorktree(options);
    expect(second.path).toBe(`${first.path}-2`);
    expect(await second.finish()).toBeUndefined();
    expect(existsSync(first.path)).toBe(true);
  });

  it('retries a git command while another process holds the worktree’s index lock', async () => {
    const repo = makeRepo();
    const worktree = await createAgentWorktree({ projectRoot: repo, runId: RUN_ID, index: 0, label: 'locked' });
    writeFileSync(path.join(worktree.path, 'new.txt'), 'n\n');
    const lock = path.resolve(worktree.path, git(worktree.path, 'rev-parse', '--git-path', 'index.lock').trim());
    writeFileSync(lock, ''); // what a concurrent `git add` in that worktree would hold
    const release = setTimeout(() => rmSync(lock), 150);
    try {
      const change = await worktree.finish(); // its `git add -A` fails on the lock at first
      expect(change?.diffStat).toContain('new.txt');
      expect(existsSync(lock)).toBe(false);
    } finally {
      clearTimeout(release);
      rmSync(lock, { force: true });
    }
  });

  it('adds the ignore rule to an existing .boocode/worktrees/.gitignore that lacks it', async () => {
    const repo = makeRepo();
    mkdirSync(path.join(repo, '.boocode', 'worktrees'), { recursive: true });
    writeFileSync(path.join(repo, '.boocode', 'worktrees', '.gitignore'), '# mine');
    const worktree = await createAgentWorktree({ projectRoot: repo, runId: RUN_ID, index: 0, label: 'x' });
    expect(readFileSync(path.join(repo, '.boocode', 'worktrees', '.gitignore'), 'utf8')).toBe('# mine\n*\n');
    writeFileSync(path.join(worktree.path, 'new.txt'), 'n\n');
    expect(await worktree.finish()).toBeDefined();
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });
});

describe('slug', () => {
  it('is lowercase a-z, 0-9 and single dashes, at most 40 characters, never empty', () => {
    expect(slug('Fix the Bug!')).toBe('fix-the-bug');
    expect(slug('../../etc/passwd')).toBe('etc-passwd');
    expect(slug('日本語')).toBe('agent');
    const long = slug('word '.repeat(30));
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
