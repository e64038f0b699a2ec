/**
 * Errors raised while fingerprinting what an agent can read (spec C3): a workspace too large to
 * hash outside git, and a `reads.files` pattern that reaches outside the project. Not the cache
 * store's errors. Messages never name an absolute host path other than a pattern the author wrote.
 */
import { WfError } from '../errors.js';

/** Outside git, the workspace walk hit its cap (files or bytes) before it could finish. */
export class WorkspaceTooLargeError extends WfError {
  constructor(limits: { maxFiles: number; maxBytes: number }) {
    const mib = Math.round(limits.maxBytes / (1024 * 1024));
    super(
      'WF_WORKSPACE_TOO_LARGE',
      `the workspace is too large to fingerprint outside git (more than ${limits.maxFiles} files or ${mib} MiB)`,
      { hint: 'run wf inside a git repository, or declare reads: { files: [...] } instead' },
    );
    this.name = 'WorkspaceTooLargeError';
  }
}

/** A `reads.files` pattern that is absolute, climbs out of the project, or matches a file that does. */
export class ReadsOutsideProjectError extends WfError {
  /** The pattern exactly as the author wrote it. */
  readonly pattern: string;

  /** `detail` says what reached outside, e.g. `matches "docs/link.md", which resolves outside the project`. */
  constructor(pattern: string, detail: string) {
    super('WF_READS_OUTSIDE_PROJECT', `reads.files pattern ${JSON.stringify(pattern)} ${detail}`, {
      hint: 'list only files inside the project, as paths or globs relative to its root',
    });
    this.name = 'ReadsOutsideProjectError';
    this.pattern = pattern;
  }
}
