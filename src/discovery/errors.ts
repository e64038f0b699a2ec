/**
 * Errors raised while turning `wf run <arg>` into a file. All are usage errors (exit 2, spec R2):
 * the user named something that is not there or cannot run, and nothing has started.
 */
import { WfUsageError, type SourceLocation, type WfErrorOptions } from '../errors.js';

/** A file path argument (D02) that does not exist or is not a regular file. */
export class WorkflowNotFoundError extends WfUsageError {
  /** The absolute path that was tried. */
  readonly path: string;

  constructor(message: string, path: string, options: WfErrorOptions = {}) {
    super(message, options);
    this.name = 'WorkflowNotFoundError';
    this.path = path;
  }
}

/** A name (D07) that no root holds. Carries what the CLI needs to help the user. */
export class UnknownWorkflowError extends WfUsageError {
  readonly workflowName: string;
  /** Names of listed workflows close to the one asked for, best first. */
  readonly suggestions: string[];
  /** The labels and directories of every root searched, highest precedence first. */
  readonly searched: string[];

  constructor(
    message: string,
    details: { workflowName: string; suggestions: string[]; searched: string[] },
    options: WfErrorOptions = {},
  ) {
    super(message, options);
    this.name = 'UnknownWorkflowError';
    this.workflowName = details.workflowName;
    this.suggestions = details.suggestions;
    this.searched = details.searched;
  }
}

/** A name whose winning file has an invalid `meta` (D08): listed, but not runnable by name. */
export class InvalidWorkflowError extends WfUsageError {
  readonly workflowName: string;
  readonly file: string;

  constructor(
    message: string,
    details: { workflowName: string; file: string; location?: SourceLocation },
    options: WfErrorOptions = {},
  ) {
    super(message, { location: details.location, ...options });
    this.name = 'InvalidWorkflowError';
    this.workflowName = details.workflowName;
    this.file = details.file;
  }
}
