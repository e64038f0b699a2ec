import { APICallError, NoOutputGeneratedError } from 'ai';
import { describe, expect, it } from 'vitest';
import { ProviderStreamError } from '../../../src/dispatch/api/loop.js';
import {
  RetryAfterTooLongError,
  abortableSleep,
  backoffDelay,
  classifyError,
  parseRetryAfter,
  withRetry,
  type RetryInfo,
} from '../../../src/dispatch/retry.js';

function apiError(statusCode: number, options: { headers?: Record<string, string>; body?: string; message?: string; cause?: unknown } = {}): APICallError {
  return new APICallError({
    message: options.message ?? `status ${statusCode}`,
    url: 'http://127.0.0.1/v1/chat/completions',
    requestBodyValues: {},
    statusCode,
    ...(options.headers ? { responseHeaders: options.headers } : {}),
    ...(options.body ? { responseBody: options.body } : {}),
    ...(options.cause ? { cause: options.cause } : {}),
  });
}

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyError', () => {
  it.each([408, 409, 429, 500, 502, 503, 504, 529])('retries HTTP %i', (status) => {
    const result = classifyError(apiError(status));
    expect(result).toMatchObject({ retryable: true, status });
  });

  it.each([400, 401, 403, 404, 413, 422])('never retries HTTP %i', (status) => {
    expect(classifyError(apiError(status)).retryable).toBe(false);
  });

  it('names the kind of each status', () => {
    expect(classifyError(apiError(401)).kind).toBe('auth');
    expect(classifyError(apiError(403)).kind).toBe('auth');
    expect(classifyError(apiError(429)).kind).toBe('rate');
    expect(classifyError(apiError(529)).kind).toBe('overloaded');
    expect(classifyError(apiError(500)).kind).toBe('server');
    expect(classifyError(apiError(422)).kind).toBe('client');
  });

  it('treats a 429 about quota, billing or credit as quota, not retryable', () => {
    const openai = apiError(429, { body: '{"error":{"type":"insufficient_quota","message":"You exceeded your current quota"}}' });
    expect(classifyError(openai)).toMatchObject({ kind: 'quota', retryable: false, status: 429 });
    expect(classifyError(apiError(429, { message: 'Your credit balance is too low' })).kind).toBe('quota');
    expect(classifyError(apiError(429, { body: 'check your billing details' })).kind).toBe('quota');
    expect(classifyError(apiError(400, { message: 'Your credit balance is too low to access the API' })).kind).toBe('quota');
  });

  it('lets x-should-retry override the status rules', () => {
    expect(classifyError(apiError(503, { headers: { 'x-should-retry': 'false' } })).retryable).toBe(false);
    expect(classifyError(apiError(400, { headers: { 'x-should-retry': 'true' } })).retryable).toBe(true);
  });

  it('reads the server delay from retry-after-ms, then retry-after', () => {
    expect(classifyError(apiError(429, { headers: { 'retry-after': '3' } })).retryAfterMs).toBe(3000);
    expect(classifyError(apiError(429, { headers: { 'retry-after-ms': '250', 'retry-after': '3' } })).retryAfterMs).toBe(250);
    expect(classifyError(apiError(429)).retryAfterMs).toBeUndefined();
  });

  it('retries connection errors from fetch and undici', () => {
    const refused = new TypeError('fetch failed', { cause: withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED') });
    expect(classifyError(refused)).toMatchObject({ kind: 'network', retryable: true });
    const dropped = new TypeError('terminated', { cause: withCode('other side closed', 'UND_ERR_SOCKET') });
    expect(classifyError(dropped)).toMatchObject({ kind: 'network', retryable: true });
    expect(classifyError(withCode('Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT')).retryable).toBe(true);
    expect(classifyError(withCode('read ECONNRESET', 'ECONNRESET')).retryable).toBe(true);
    expect(classifyError(withCode('connect ETIMEDOUT', 'ETIMEDOUT')).retryable).toBe(true);
    expect(classifyError(new TypeError('terminated')).retryable).toBe(true);
  });

  it('reads a dropped stream wrapped by the SDK as a network error, not as its 200 status', () => {
    const wrapped = apiError(200, { message: 'Failed to process successful response', cause: new TypeError('terminated', { cause: withCode('other side closed', 'UND_ERR_SOCKET') }) });
    expect(classifyError(wrapped)).toMatchObject({ kind: 'network', retryable: true });
  });

  it('does not retry an unknown host', () => {
    const dns = new TypeError('fetch failed', { cause: withCode('getaddrinfo ENOTFOUND api.example.invalid', 'ENOTFOUND') });
    expect(classifyError(dns)).toMatchObject({ kind: 'network', retryable: false });
  });

  it('classifies provider stream error events', () => {
    expect(classifyError(new ProviderStreamError({ type: 'overloaded_error', message: 'Overloaded' }))).toMatchObject({ kind: 'overloaded', retryable: true, message: 'Overloaded' });
    expect(classifyError(new ProviderStreamError({ type: 'api_error', message: 'Internal' }))).toMatchObject({ kind: 'server', retryable: true });
    expect(classifyError(new ProviderStreamError({ type: 'invalid_request_error', message: 'bad' }))).toMatchObject({ kind: 'client', retryable: false });
    expect(classifyError(new NoOutputGeneratedError({ message: 'No output generated.' }))).toMatchObject({ kind: 'network', retryable: true });
  });

  it('never retries an abort or an unknown error', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(classifyError(abort)).toMatchObject({ kind: 'aborted', retryable: false });
    expect(classifyError(new Error('something odd'))).toMatchObject({ kind: 'unknown', retryable: false });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, fractional seconds, milliseconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after': '2' }, now)).toBe(2000);
    expect(parseRetryAfter({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(parseRetryAfter({ 'Retry-After-Ms': '40' }, now)).toBe(40);
    expect(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }, now)).toBe(7000);
    expect(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }, now)).toBe(0);
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after-ms': 'x', 'retry-after': '1' }, now)).toBe(1000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('is full jitter under a doubling ceiling capped at maxDelayMs', () => {
    const options = { baseDelayMs: 500, maxDelayMs: 3000 };
    expect(backoffDelay(0, options, () => 0)).toBe(0);
    expect(backoffDelay(0, options, () => 0.9999)).toBe(499);
    expect(backoffDelay(1, options, () => 0.9999)).toBe(999);
    expect(backoffDelay(2, options, () => 0.5)).toBe(1000);
    expect(backoffDelay(10, options, () => 0.9999)).toBe(2999);
    for (let index = 0; index < 200; index += 1) {
      const delay = backoffDelay(3, options);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(3000);
    }
  });
});

describe('withRetry', () => {
  const recorder = () => {
    const sleeps: number[] = [];
    return { sleeps, sleep: async (ms: number, signal?: AbortSignal) => (sleeps.push(ms), signal?.throwIfAborted()) };
  };

  it('retries retryable failures with jittered backoff until one succeeds', async () => {
    const { sleeps, sleep } = recorder();
    const infos: RetryInfo[] = [];
    let calls = 0;
    const result = await withRetry(
      async (attempt) => {
        calls += 1;
        if (attempt < 4) throw apiError(500);
        return `ok on ${attempt}`;
      },
      { sleep, random: () => 0.9999, baseDelayMs: 100, maxDelayMs: 250, onRetry: (info) => infos.push(info) },
    );
    expect(result).toBe('ok on 4');
    expect(calls).toBe(4);
    expect(sleeps).toEqual([99, 199, 249]);
    expect(infos.map((info) => [info.attempt, info.fromServer])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
  });

  it('waits exactly what the server asked for', async () => {
    const { sleeps, sleep } = recorder();
    let first = true;
    await withRetry(
      async () => {
        if (first) {
          first = false;
          throw apiError(429, { headers: { 'retry-after': '2' } });
        }
        return 'ok';
      },
      { sleep, random: () => 0 },
    );
    expect(sleeps).toEqual([2000]);
  });

  it('gives up, saying how long the provider asked to wait, when that exceeds maxRetryAfterMs', async () => {
    const { sleeps, sleep } = recorder();
    const error = await withRetry(async () => Promise.reject(apiError(429, { headers: { 'retry-after': '120' } })), { sleep, maxRetryAfterMs: 60_000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryAfterTooLongError);
    expect((error as RetryAfterTooLongError).retryAfterMs).toBe(120_000);
    expect((error as Error).message).toMatch(/asked to wait 120 s/);
    expect((error as Error).message).toMatch(/60 s/);
    expect(sleeps).toEqual([]);
  });

  it('rethrows the last error once the retries are spent', async () => {
    const { sleeps, sleep } = recorder();
    let calls = 0;
    const last = apiError(503, { message: 'still down' });
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw calls === 3 ? last : apiError(503);
        },
        { sleep, maxRetries: 2 },
      ),
    ).rejects.toBe(last);
    expect(calls).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry what is not retryable', async () => {
    const { sleeps, sleep } = recorder();
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls += 1;
        throw apiError(401);
      }, { sleep }),
    ).rejects.toMatchObject({ statusCode: 401 });
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('stops during the backoff sleep when the signal aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const running = withRetry(
      async () => {
        calls += 1;
        throw apiError(500);
      },
      { signal: controller.signal, baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 0.99, onRetry: () => setTimeout(() => controller.abort(new Error('stopped')), 20) },
    );
    await expect(running).rejects.toThrow('stopped');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(calls).toBe(1);
  });

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    let calls = 0;
    await expect(withRetry(async () => (calls += 1), { signal: controller.signal })).rejects.toThrow('gone');
    expect(calls).toBe(0);
  });
});

describe('abortableSleep', () => {
  it('resolves after the delay and rejects with the abort reason', async () => {
    await expect(abortableSleep(5)).resolves.toBeUndefined();
    const controller = new AbortController();
    const sleeping = abortableSleep(10_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(sleeping).rejects.toThrow('cancelled');
  });
});
