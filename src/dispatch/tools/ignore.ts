/**
 * Directories the listing and search tools skip unless the model points at them directly: VCS
 * data, dependencies, build output and wf's own state. They are large and rarely what an agent
 * is looking for, and walking them would spend the result caps on noise.
 */
export const DEFAULT_IGNORED_NAMES: readonly string[] = Object.freeze([
  '.git',
  'node_modules',
  'dist',
  'build',
  '.boocode',
  'coverage',
  '.venv',
  '__pycache__',
]);

/** The same list as tinyglobby ignore patterns: the directory at any depth and everything below it. */
export const DEFAULT_IGNORE_GLOBS: readonly string[] = Object.freeze(DEFAULT_IGNORED_NAMES.flatMap((name) => [`**/${name}`, `**/${name}/**`]));

export function isIgnoredName(name: string): boolean {
  return DEFAULT_IGNORED_NAMES.includes(name);
}
