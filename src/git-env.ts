/**
 * The environment every git command of wf runs with. Variables that would point git at another
 * repository than the one asked about are removed (they are set, for example, while a git hook
 * runs the tests), and optional locks are off so wf never blocks the user's own git.
 */
const GIT_REDIRECTS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

export function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0', ...extra };
  for (const name of GIT_REDIRECTS) delete env[name];
  return env;
}
