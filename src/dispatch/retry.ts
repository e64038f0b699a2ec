/**
 * Retry policy for one model request (research notes §6.1). Model calls are stateless, so sending
 * the same messages again is safe; tool calls are never re-run by this module.
 *
 * - Retried: network errors, 408, 409, 429, 500, 502, 503, 504, 529, and provider stream errors of
 *   an overloaded / server kind.
 * - Never retried: 400, 401, 403, 404, 413, 422 (and any other 4xx); a 429 that says the quota or
 *   billing is exhausted; anything after an abort.
 * - `x-should-retry: true|false` from the server overrides the status rules.
 * - Delay: `retry-after-ms`, else `retry-after` (seconds or an HTTP date), else full-jitter
 *   exponential backoff. A server asking for more than `maxRetryAfterMs` is not waited for: we give
 *   up with an error that says how long it asked for, rather than silently sleeping for minutes.
 */
import { APICallError } from 'ai';
import { abortableSleep } from '../abortable-sleep.js';
import { WfError, messageOf } from '../errors.js';

export type ErrorKind = 'auth' | 'quota' | 'rate' | 'overloaded' | 'server' | 'network' | 'client' | 'aborted' | 'unknown';

export interface ErrorClassification {
  kind: ErrorKind;
  retryable: boolean;
  /** HTTP status, when the error came from an HTTP response. */
  status?: number;
  /** The delay the server asked for (`retry-after-ms` / `retry-after`), in ms. */
  retryAfterMs?: number;
  /** The provider's own message, or the error's. Not redacted: the caller redacts. */
  message: string;
}

const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/** Connection-level failures worth another try (undici and Node socket codes). */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'ConnectionRefused',
  'ConnectionClosed',
  'FailedToOpenSocket',
]);

const NETWORK_MESSAGES = /^(terminated|other side closed|fetch failed|socket hang up)$|premature close|ECONNRESET|network error/i;

/** A 429 (or 402/400) that will not go away by waiting. */
const QUOTA_BODY = /insufficient_quota|billing|credit|exceeded your current quota/i;

/** Error types providers put in a JSON error body or an SSE `error` event. */
const STREAM_ERROR_KINDS: Record<string, { kind: ErrorKind; retryable: boolean }> = {
  overloaded_error: { kind: 'overloaded', retryable: true },
  api_error: { kind: 'server', retryable: true },
  server_error: { kind: 'server', retryable: true },
  internal_server_error: { kind: 'server', retryable: true },
  service_unavailable: { kind: 'server', retryable: true },
  timeout_error: { kind: 'server', retryable: true },
  rate_limit_error: { kind: 'rate', retryable: true },
  rate_limit_exceeded: { kind: 'rate', retryable: true },
  insufficient_quota: { kind: 'quota', retryable: false },
  billing_error: { kind: 'quota', retryable: false },
  authentication_error: { kind: 'auth', retryable: false },
  permission_error: { kind: 'auth', retryable: false },
  invalid_api_key: { kind: 'auth', retryable: false },
  invalid_request_error: { kind: 'client', retryable: false },
  not_found_error: { kind: 'client', retryable: false },
  request_too_large: { kind: 'client', retryable: false },
};

/** What went wrong with a model request, and whether asking again can help. */
export function classifyError(error: unknown, now: number = Date.now()): ErrorClassification {
  if (isAbortLike(error)) return { kind: 'aborted', retryable: false, message: messageOf(error) };

  const api = findInChain(error, (candidate): candidate is APICallError => APICallError.isInstance(candidate));
  // A 2xx APICallError is a response that failed while being read (a dropped stream): its cause decides.
  if (api && api.statusCode !== undefined && api.statusCode >= 400) {
    return classifyStatus(api.statusCode, api.responseHeaders, api.responseBody, providerMessage(api), now);
  }

  const unresolved = findInChain(error, (candidate): candidate is Error => candidate instanceof Error && (candidate as { code?: unknown }).code === 'ENOTFOUND');
  if (unresolved) return { kind: 'network', retryable: false, message: api ? api.message : describeNetwork(error, unresolved) };

  const network = findInChain(error, (candidate): candidate is Error => isNetworkError(candidate));
  if (network) return { kind: 'network', retryable: true, message: api ? api.message : describeNetwork(error, network) };

  const streamKind = streamErrorKind(error);
  if (streamKind) return { ...streamKind, message: streamErrorMessage(error) };

  if (api) return { kind: api.isRetryable ? 'network' : 'unknown', retryable: api.isRetryable, message: api.message };

  // The SDK's "the model stream ended without a finish chunk": a connection cut short cleanly.
  if (error instanceof Error && (error.name === 'AI_NoOutputGeneratedError' || error instanceof StreamEndedError)) {
    return { kind: 'network', retryable: true, message: error.message };
  }
  return { kind: 'unknown', retryable: false, message: messageOf(error) };
}

/** The rules for an HTTP error status, with the server's retry headers applied. */
export function classifyStatus(
  status: number,
  headers: Record<string, string> | undefined,
  body: string | undefined,
  message: string,
  now: number = Date.now(),
): ErrorClassification {
  const retryAfterMs = parseRetryAfter(headers, now);
  let kind: ErrorKind;
  let retryable = RETRYABLE_STATUS.has(status);
  if (status === 401 || status === 403) kind = 'auth';
  else if (status === 402) kind = 'quota';
  else if (status === 429) kind = QUOTA_BODY.test(body ?? '') || QUOTA_BODY.test(message) ? 'quota' : 'rate';
  else if (status === 400 && /credit balance/i.test(`${body ?? ''} ${message}`)) kind = 'quota';
  else if (status === 529) kind = 'overloaded';
  else if (status === 408 || status === 409 || status >= 500) kind = 'server';
  else kind = 'client';
  if (kind === 'quota') retryable = false;

  const shouldRetry = headerValue(headers, 'x-should-retry');
  if (shouldRetry === 'true') retryable = true;
  else if (shouldRetry === 'false') retryable = false;

  return { kind, retryable, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), message };
}

/** `retry-after-ms`, else `retry-after` (delta seconds or an HTTP date), in ms; undefined if absent or unreadable. */
export function parseRetryAfter(headers: Record<string, string> | undefined, now: number = Date.now()): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined) {
    const value = Number(ms.trim());
    if (ms.trim() !== '' && Number.isFinite(value) && value >= 0) return value;
  }
  const after = headerValue(headers, 'retry-after')?.trim();
  if (after === undefined || after === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Number(after) * 1000;
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export interface RetryInfo {
  /** The attempt that failed (1-based). */
  attempt: number;
  maxRetries: number;
  /** How long we wait before the next attempt. */
  delayMs: number;
  /** True when the delay is the one the server asked for. */
  fromServer: boolean;
  error: unknown;
  classification: ErrorClassification;
}

export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  maxRetries: number;
  /** First backoff ceiling (default 500 ms); doubles per retry. */
  baseDelayMs: number;
  /** Backoff ceiling (default 30 s). */
  maxDelayMs: number;
  /** The longest server-requested delay we wait for (default 60 s). */
  maxRetryAfterMs: number;
  signal?: AbortSignal;
  /** Injected in tests; must reject when `signal` aborts. Default: an abortable timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injected in tests; returns [0, 1). Default Math.random. */
  random?: () => number;
  /** Called before each wait; a throw here is not caught. */
  onRetry?: (info: RetryInfo) => void;
  /** Default {@link classifyError}. */
  classify?: (error: unknown) => ErrorClassification;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<Pick<RetryOptions, 'maxRetries' | 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs'>> = Object.freeze({
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
});

/** The server asked us to wait longer than we are willing to (`maxRetryAfterMs`). */
export class RetryAfterTooLongError extends WfError {
  readonly retryAfterMs: number;
  readonly classification: ErrorClassification;

  constructor(classification: ErrorClassification & { retryAfterMs: number }, maxRetryAfterMs: number, cause: unknown) {
    const status = classification.status === undefined ? '' : ` (${classification.status})`;
    super(
      'WF_RETRY_AFTER_TOO_LONG',
      `the provider asked to wait ${formatSeconds(classification.retryAfterMs)} before retrying${status}, longer than the ${formatSeconds(maxRetryAfterMs)} wf waits: ${classification.message}`,
      { cause, hint: 'try again later, or lower the concurrency for this provider' },
    );
    this.name = 'RetryAfterTooLongError';
    this.retryAfterMs = classification.retryAfterMs;
    this.classification = classification;
  }
}

/** Raised by a stream consumer when a response stream ended without its final event. */
export class StreamEndedError extends Error {
  constructor(message = 'the response stream ended before it finished') {
    super(message);
    this.name = 'StreamEndedError';
  }
}

/** Full jitter: a uniform delay in [0, min(maxDelay, base · 2^retryIndex)). `retryIndex` is 0 for the first retry. */
export function backoffDelay(retryIndex: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}

/**
 * Runs `fn` (given the 1-based attempt number) and retries it by the policy above. Rethrows the
 * last error when it is not retryable or the retries are spent; throws
 * {@link RetryAfterTooLongError} when the server asks for too long a wait; rejects with the
 * abort reason as soon as `signal` aborts (the sleep is abortable).
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: Partial<RetryOptions> = {}): Promise<T> {
  const settings = { ...DEFAULT_RETRY_OPTIONS, ...definedOnly(options) };
  const { signal } = options;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const classify = options.classify ?? ((error: unknown) => classifyError(error));
  for (let attempt = 1; ; attempt += 1) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (signal?.aborted) throw error;
      const classification = classify(error);
      if (!classification.retryable || attempt > settings.maxRetries) throw error;
      let delayMs: number;
      let fromServer = false;
      if (classification.retryAfterMs !== undefined) {
        if (classification.retryAfterMs > settings.maxRetryAfterMs) {
          throw new RetryAfterTooLongError({ ...classification, retryAfterMs: classification.retryAfterMs }, settings.maxRetryAfterMs, error);
        }
        delayMs = classification.retryAfterMs;
        fromServer = true;
      } else {
        delayMs = backoffDelay(attempt - 1, settings, random);
      }
      options.onRetry?.({ attempt, maxRetries: settings.maxRetries, delayMs, fromServer, error, classification });
      await sleep(delayMs, signal);
    }
  }
}

export { abortableSleep };

/** `2.0 s`, `0.3 s`, `90 s`. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return seconds >= 10 ? `${Math.round(seconds)} s` : `${seconds.toFixed(1)} s`;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers[name] !== undefined) return headers[name];
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function isAbortLike(error: unknown): boolean {
  return (error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException)) && (error.name === 'AbortError' || error.name === 'ResponseAborted');
}

/** Walks `cause` links (and the SDK's RetryError `lastError`) looking for a match. */
function findInChain<T>(error: unknown, match: (candidate: unknown) => candidate is T): T | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    if (match(current)) return current;
    seen.add(current);
    if (typeof current !== 'object') return undefined;
    const record = current as { cause?: unknown; lastError?: unknown };
    current = record.lastError ?? record.cause;
  }
  return undefined;
}

function isNetworkError(candidate: unknown): boolean {
  if (!(candidate instanceof Error)) return false;
  const code = (candidate as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return candidate.name !== 'AbortError' && NETWORK_MESSAGES.test(candidate.message);
}

function describeNetwork(error: unknown, network: Error): string {
  const code = (network as { code?: unknown }).code;
  const outer = messageOf(error);
  const inner = network.message;
  const text = outer === inner ? outer : `${outer} (${inner})`;
  return typeof code === 'string' && !text.includes(code) ? `${text} [${code}]` : text;
}

/** The message the provider wrote in its error body, when the SDK parsed one; the SDK's otherwise. */
function providerMessage(api: APICallError): string {
  return api.message;
}

/** A provider error object from an SSE `error` event or an error body: `{type, message}` or `{error: {type, code, message}}`. */
function streamErrorKind(error: unknown): { kind: ErrorKind; retryable: boolean } | undefined {
  for (const candidate of errorObjects(error)) {
    for (const key of ['type', 'code'] as const) {
      const value = candidate[key];
      if (typeof value === 'string' && STREAM_ERROR_KINDS[value]) return STREAM_ERROR_KINDS[value];
    }
  }
  return undefined;
}

function streamErrorMessage(error: unknown): string {
  for (const candidate of errorObjects(error)) if (typeof candidate.message === 'string') return candidate.message;
  return messageOf(error);
}

function errorObjects(error: unknown): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 3 || typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (typeof record.type === 'string' || typeof record.code === 'string') found.push(record);
    visit(record.error, depth + 1);
    visit(record.data, depth + 1);
  };
  visit(error, 0);
  return found;
}
