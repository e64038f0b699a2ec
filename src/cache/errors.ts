/**
 * Errors of the step cache (spec C1–C3): a value that cannot be part of a cache key, and a store
 * that cannot be read or written. A damaged entry is neither: it is a miss with a warning.
 */
import { WfError, type WfErrorOptions } from '../errors.js';

/** A key spec JSON cannot represent faithfully (C1), or a malformed `s1:` key. */
export class CacheKeyError extends WfError {
  constructor(message: string, options: WfErrorOptions = {}) {
    super('WF_CACHE_KEY', message, options);
    this.name = 'CacheKeyError';
  }
}

/** The store itself failed (permission denied, disk full, not a directory): not a damaged entry. */
export class CacheStoreError extends WfError {
  constructor(message: string, options: WfErrorOptions = {}) {
    super('WF_CACHE_STORE', message, options);
    this.name = 'CacheStoreError';
  }
}
