/**
 * Keeps API keys out of anything wf shows or records: error messages, warnings, run records.
 * Known secrets (the keys the dispatcher itself sent) are replaced wherever they appear; on top,
 * text shaped like a common key (`sk-…`, `sk-ant-…`, `Bearer …`, Google `AIza…`) is replaced too,
 * because a provider may echo a key it was given under another name, or a masked form of it.
 */

export const REDACTED = '[redacted]';

/**
 * Secrets shorter than this are not redacted by value: dummy keys such as `ollama` would otherwise
 * blank out ordinary words of a message. Real API keys are far longer.
 */
const MIN_SECRET_LENGTH = 8;

const KEY_SHAPES: readonly RegExp[] = [
  // Anthropic, then OpenAI and most OpenAI-compatible services (`sk-proj-…`, masked `sk-abc***xyz`).
  /\bsk-ant-[A-Za-z0-9_*-]{6,}/g,
  /\bsk-[A-Za-z0-9_*-]{8,}/g,
  // Google API keys.
  /\bAIza[0-9A-Za-z_-]{20,}/g,
];

const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=*-]{6,}/gi;

/** `text` with every known secret and every key-shaped token replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let result = text;
  // Longest first, so a secret that contains another is replaced whole.
  const known = [...new Set(secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  for (const secret of known) result = result.split(secret).join(REDACTED);
  result = result.replace(BEARER, `$1 ${REDACTED}`);
  for (const shape of KEY_SHAPES) result = result.replace(shape, REDACTED);
  return result;
}
