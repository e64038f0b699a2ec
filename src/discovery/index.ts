/** Discovery: which roots, what they hold, and what `wf run <arg>` means. Re-exports only. */
export { workflowRoots, defaultCatalogDir, defaultDiscoveryOptions } from './roots.js';
export type { DiscoveryOptions, WorkflowRoot, WorkflowRootKind } from './roots.js';
export { listWorkflows } from './list.js';
export type { Listing, RootStatus, SkippedFile, SkipReason, WorkflowEntry } from './list.js';
export { resolveWorkflow, nearMatches } from './resolve.js';
export type { ResolvedWorkflow } from './resolve.js';
export { isPathArgument, isValidWorkflowName, isWorkflowFileName, workflowNameOf, WORKFLOW_EXTENSIONS } from './name.js';
export { InvalidWorkflowError, UnknownWorkflowError, WorkflowNotFoundError } from './errors.js';
