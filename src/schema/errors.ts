/**
 * The one error schema/ throws: a caller's JSON Schema that can never be satisfied or cannot be
 * used at all. It is raised before any dispatch (spec A4), so a bad schema costs no tokens.
 */
import { WfError, type WfErrorOptions } from '../errors.js';

export class WfSchemaError extends WfError {
  /** JSON-pointer-like location inside the schema, `#` for the root (e.g. `#/properties/a/items`). */
  readonly path: string;
  /** What is wrong there, without the path. */
  readonly reason: string;

  constructor(path: string, reason: string, options: WfErrorOptions = {}) {
    super('WF_SCHEMA', `schema rejected before the agent started: ${path}: ${reason}`, options);
    this.name = 'WfSchemaError';
    this.path = path;
    this.reason = reason;
  }
}
