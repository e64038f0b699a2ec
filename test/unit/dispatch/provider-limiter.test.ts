import { describe, expect, it } from 'vitest';
import { ProviderLimiter, ProviderLimiters } from '../../../src/dispatch/provider-limiter.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ProviderLimiter', () => {
  it('never runs more tasks at once than its concurrency', async () => {
    const limiter = new ProviderLimiter('openai', 3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        limiter.run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await tick(5);
          active -= 1;
          return index;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a shared pause holds back new tasks but lets running ones finish', async () => {
    const limiter = new ProviderLimiter('anthropic', 4);
    const inFlight = deferred();
    const log: string[] = [];
    const first = limiter.run(async () => {
      log.push('first started');
      await inFlight.promise;
      log.push('first finished');
    });
    await tick();
    const pausedAt = Date.now();
    limiter.pauseFor(120);
    expect(limiter.pausedUntil).toBeGreaterThanOrEqual(pausedAt + 120);
    let secondStartedAt = 0;
    const second = limiter.run(async () => {
      secondStartedAt = Date.now();
      log.push('second started');
    });
    await tick(30);
    inFlight.resolve();
    await first;
    expect(log).toEqual(['first started', 'first finished']);
    expect(limiter.waiting).toBe(1);
    await second;
    expect(secondStartedAt - pausedAt).toBeGreaterThanOrEqual(110);
    expect(limiter.pausedUntil).toBe(0);
  });

  it('a longer pause extends the current one; a shorter one does not shorten it', async () => {
    let now = 1_000;
    const limiter = new ProviderLimiter('openai', 1, { now: () => now });
    expect(limiter.pausedUntil).toBe(0);
    limiter.pauseFor(100);
    expect(limiter.pausedUntil).toBe(1_100);
    now = 1_050;
    limiter.pauseFor(10);
    expect(limiter.pausedUntil).toBe(1_100);
    limiter.pauseFor(200);
    expect(limiter.pausedUntil).toBe(1_250);
    now = 2_000;
    expect(limiter.pausedUntil).toBe(0);
  });

  it('the pause really lasts until the later deadline', async () => {
    const limiter = new ProviderLimiter('openai', 1);
    const started = Date.now();
    limiter.pauseFor(30);
    limiter.pauseFor(120);
    limiter.pauseFor(10);
    await limiter.run(async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('an aborted waiting task leaves the queue and never runs', async () => {
    const limiter = new ProviderLimiter('ollama', 1);
    const blocker = deferred();
    const first = limiter.run(() => blocker.promise);
    const controller = new AbortController();
    let ran = false;
    const waiting = limiter.run(async () => {
      ran = true;
    }, controller.signal);
    await tick();
    expect(limiter.waiting).toBe(1);
    controller.abort(new Error('agent stopped'));
    await expect(waiting).rejects.toThrow('agent stopped');
    expect(limiter.waiting).toBe(0);
    blocker.resolve();
    await first;
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
    expect(ran).toBe(false);
  });

  it('hands the signal to the task', async () => {
    const limiter = new ProviderLimiter('openai', 1);
    const controller = new AbortController();
    const seen = await limiter.run(async (signal) => signal, controller.signal);
    expect(seen).toBe(controller.signal);
  });
});

describe('ProviderLimiters', () => {
  it('keeps one limiter per provider and applies a changed concurrency', () => {
    const limiters = new ProviderLimiters();
    const openai = limiters.get('openai', 4);
    expect(limiters.get('openai', 4)).toBe(openai);
    expect(limiters.get('anthropic', 4)).not.toBe(openai);
    limiters.get('openai', 2);
    expect(openai.concurrency).toBe(2);
    expect(limiters.get('weird', 0).concurrency).toBe(1);
  });
});
