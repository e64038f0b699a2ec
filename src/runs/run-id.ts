/**
 * Run ids (R1): `wf_` + lowercase letters, digits and `-`. They sort by start time (the first part
 * is the UTC time in base 36) and carry 6 random characters so that two runs started in the same
 * millisecond on the same machine do not collide.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const RUN_ID_PATTERN = /^wf_[a-z0-9-]{6,}$/;

export function generateRunId(now: number = Date.now()): string {
  const random = Array.from(randomBytes(6), (byte) => ALPHABET[byte % ALPHABET.length]).join('');
  return `wf_${now.toString(36)}-${random}`;
}
