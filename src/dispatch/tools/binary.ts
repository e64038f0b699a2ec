/**
 * Binary detection as git and ripgrep do it: a NUL byte in the first 8 KB. Cheap, and right for
 * every text encoding a source tree uses (UTF-16 files are reported as binary, which is rare and
 * safe).
 */
export const BINARY_SNIFF_BYTES = 8 * 1024;

export function looksBinary(head: Uint8Array): boolean {
  const end = Math.min(head.length, BINARY_SNIFF_BYTES);
  for (let index = 0; index < end; index++) if (head[index] === 0) return true;
  return false;
}
