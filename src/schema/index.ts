/** JSON Schema support for schema agents (spec A1, A3–A5): preflight, validation, fallbacks, samples. */
export { WfSchemaError } from './errors.js';
export { preflightSchema } from './preflight.js';
export { validatorFor, formatErrors, type Validator, type ValidationResult } from './validate.js';
export { minimalInstance } from './minimal-instance.js';
export { extractJson } from './extract-json.js';
export { canonicalJson } from './canonical-json.js';
