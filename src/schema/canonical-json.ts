/**
 * Canonical JSON: `JSON.stringify` with object keys sorted at every level, so that two schemas
 * that differ only in key order share one cache entry (compiled validators, see validate.ts).
 */

/** Throws a TypeError for cyclic values, like `JSON.stringify`. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, current: unknown) => {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return current;
    // Object.fromEntries defines own properties, so even a "__proto__" key survives the copy.
    const record = current as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]]));
  });
}
