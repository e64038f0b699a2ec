/**
 * compile/: workflow source → runnable classic script, validated meta, source map (spec F1–F7).
 * Named re-exports only.
 */
export { GENERATED_FILENAME, type CompiledWorkflow, type PhaseMeta, type WorkflowMeta } from './compiled-workflow.js';
export { compileWorkflow, validateWorkflowFile } from './compile.js';
export { readMeta } from './meta.js';
export { releaseCompiler } from './transform.js';
export { scanPhaseTitles } from './check.js';
export { mapPosition, mapStack } from './source-map.js';
export { DEFAULT_VARIABLE, WORKFLOW_GLOBAL } from './wrapper.js';
