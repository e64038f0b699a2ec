/**
 * Canonical JSON for the compiled-validator cache (see validate.ts): one implementation with the
 * step cache (C1), so two schemas that differ only in key order share one validator. Schemas come
 * from JSON, so its refusal of non-JSON values (with their path) never bites a real schema.
 */
export { canonicalJson } from '../cache/canonical-json.js';
