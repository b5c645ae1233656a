import { ScimError } from '@app/scim/errors/scim-error';
import { Socket } from 'node:net';
import { InFlightCounter } from './in-flight-counter';
import { ScimRateLimits, SEARCH_WORK_MS_PER_TOKEN } from './scim-rate-limits';
import { TokenBuckets } from './token-buckets';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function refusal(admit: () => unknown): ScimError {
  try {
    admit();
  } catch (error) {
    return error as ScimError;
  }
  throw new Error('expected a 429');
}

describe('TokenBuckets', () => {
  it('lets a burst of rate × burstSeconds through, then one request per refill', () => {
    const time = clock();
    const buckets = new TokenBuckets(10, 2, time.now);
    for (let i = 0; i < 20; i += 1) expect(buckets.take('a')).toBeUndefined();
    expect(buckets.take('a')).toBeCloseTo(0.1);
    time.advance(100);
    expect(buckets.take('a')).toBeUndefined();
    expect(buckets.take('a')).toBeGreaterThan(0);
  });

  it('charges a cost known afterwards as a debt that take() waits out, and keeps the key until it is paid', () => {
    const time = clock();
    const buckets = new TokenBuckets(10, 1, time.now);
    buckets.charge('a', 30);
    expect(buckets.take('a')).toBeCloseTo(2.1);
    time.advance(1500);
    buckets.take('other');
    expect(buckets.take('a')).toBeCloseTo(0.6);
    time.advance(600);
    expect(buckets.take('a')).toBeUndefined();
  });

  it('lets a key owe at most a minute of refill', () => {
    const time = clock();
    const buckets = new TokenBuckets(1, 1, time.now);
    buckets.charge('a', 1_000_000);
    expect(buckets.take('a')).toBeCloseTo(61);
  });

  it('keeps keys apart', () => {
    const buckets = new TokenBuckets(1, 1, clock().now);
    expect(buckets.take('a')).toBeUndefined();
    expect(buckets.take('a')).toBeDefined();
    expect(buckets.take('b')).toBeUndefined();
  });

  it('forgets keys that have been idle long enough to refill', () => {
    const time = clock();
    const buckets = new TokenBuckets(10, 2, time.now);
    for (let i = 0; i < 1000; i += 1) buckets.take(`key-${i}`);
    expect(buckets.size).toBe(1000);
    time.advance(2000);
    buckets.take('fresh');
    expect(buckets.size).toBe(1);
  });
});

describe('InFlightCounter', () => {
  it('admits up to the limit per key and frees a slot on release, once', () => {
    const counter = new InFlightCounter(2);
    const first = counter.tryAcquire('p')!;
    const second = counter.tryAcquire('p')!;
    expect(counter.tryAcquire('p')).toBeUndefined();
    expect(counter.tryAcquire('q')).toBeDefined();
    first();
    first();
    expect(counter.inFlight('p')).toBe(1);
    expect(counter.tryAcquire('p')).toBeDefined();
    second();
    expect(counter.inFlight('p')).toBe(1);
  });

  it('forgets a key with nothing in flight', () => {
    const counter = new InFlightCounter(1);
    counter.tryAcquire('p')!();
    expect(counter.size).toBe(0);
  });
});

describe('TokenBuckets.reserve', () => {
  it('takes what the bucket holds at once, then books the tokens to come one refill apart', () => {
    const time = clock();
    const buckets = new TokenBuckets(100, 0.05, time.now);
    for (let i = 0; i < 5; i += 1) expect(buckets.reserve('a')).toBe(0);
    const waits = Array.from({ length: 5 }, () => buckets.reserve('a'));
    waits.forEach((wait, i) => expect(wait).toBeCloseTo((i + 1) / 100));
    expect(buckets.reserve('other')).toBe(0);
    time.advance(50);
    expect(buckets.reserve('a')).toBeCloseTo(0.01);
  });
});

describe('ScimRateLimits', () => {
  const config = { perTokenPerSecond: 5, perProviderPerSecond: 8, bodyBytesPerProviderPerSecond: 10_000, burstSeconds: 1, maxInFlightPerProvider: 0, searchesPerProviderPerSecond: 0, refusalDelayMs: 0, paceBurstMs: 0 };

  it('answers 429 with Retry-After once the token has spent its burst', () => {
    const limits = new ScimRateLimits(config, clock().now);
    for (let i = 0; i < 5; i += 1) limits.admit('t1', 'p')();
    const error = refusal(() => limits.admit('t1', 'p'));
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(1);
    expect(error.detail).toMatch(/token/);
  });

  it('limits the IdP across its tokens', () => {
    const limits = new ScimRateLimits(config, clock().now);
    for (let i = 0; i < 4; i += 1) limits.admit('t1', 'p')();
    for (let i = 0; i < 4; i += 1) limits.admit('t2', 'p')();
    const error = refusal(() => limits.admit('t3', 'p'));
    expect(error.status).toBe(429);
    expect(error.detail).toMatch(/identity provider sent more requests/);
    expect(() => limits.admit('t4', 'other')).not.toThrow();
  });

  it('answers 429 when the IdP has too many requests in flight, and admits again once one ends', () => {
    const limits = new ScimRateLimits({ ...config, perTokenPerSecond: 0, perProviderPerSecond: 0, maxInFlightPerProvider: 2 }, clock().now);
    const release = limits.admit('t', 'p');
    limits.admit('t', 'p');
    const error = refusal(() => limits.admit('t', 'p'));
    expect(error.status).toBe(429);
    expect(error.detail).toMatch(/in progress/);
    release();
    expect(() => limits.admit('t', 'p')).not.toThrow();
  });

  it('rations an IdP\'s body bytes, lets one body of any size through a full bucket, and counts a chunked body as a full one', () => {
    const time = clock();
    const limits = new ScimRateLimits({ ...config, perTokenPerSecond: 0, perProviderPerSecond: 0 }, time.now);
    limits.admit('t', 'p', 6000);
    const error = refusal(() => limits.admit('t', 'p', 6000));
    expect(error.status).toBe(429);
    expect(error.detail).toMatch(/body bytes/);
    expect(() => limits.admit('t', 'other', 50_000)).not.toThrow();
    expect(() => limits.admit('t', 'p', 0)).not.toThrow();
    expect(() => limits.admit('t', 'p', Number.POSITIVE_INFINITY)).toThrow(ScimError);
  });

  it('paces a token\'s requests beyond paceBurstMs of its rate one refill apart', () => {
    const time = clock();
    const limits = new ScimRateLimits({ ...config, perTokenPerSecond: 10, perProviderPerSecond: 0, paceBurstMs: 200 }, time.now);
    expect([0, 1, 2, 3].map(() => limits.paceMs('t', 'p'))).toEqual([0, 0, 100, 200]);
    expect(limits.paceMs('other', 'p')).toBe(0);
    // A second later the queue is served and the bucket has refilled to its 200 ms.
    time.advance(1000);
    expect([0, 1, 2].map(() => limits.paceMs('t', 'p'))).toEqual([0, 0, 100]);
    // What the metrics show: the requests that waited, and their waits summed.
    expect(limits.paced).toEqual({ requests: 3, seconds: expect.closeTo(0.4, 9) });
  });

  it('paces an IdP\'s requests over all its tokens at the IdP\'s rate, and not at all with paceBurstMs 0', () => {
    const limits = new ScimRateLimits({ ...config, perTokenPerSecond: 0, perProviderPerSecond: 20, paceBurstMs: 100 }, clock().now);
    expect(['t1', 't2', 't3', 't4'].map((token) => limits.paceMs(token, 'p'))).toEqual([0, 0, 50, 100]);
    const unpaced = new ScimRateLimits({ ...config, paceBurstMs: 0 }, clock().now);
    expect(Array.from({ length: 50 }, () => unpaced.paceMs('t', 'p'))).toEqual(Array(50).fill(0));
  });

  it('rations an IdP\'s searches apart from its other requests, and refills them', () => {
    const time = clock();
    const limits = new ScimRateLimits({ ...config, perTokenPerSecond: 0, perProviderPerSecond: 0, searchesPerProviderPerSecond: 3 }, time.now);
    for (let i = 0; i < 3; i += 1) limits.admitSearch('p');
    const error = refusal(() => limits.admitSearch('p'));
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(1);
    expect(error.detail).toMatch(/searches per second/);
    expect(() => limits.admitSearch('other')).not.toThrow();
    expect(() => limits.admit('t', 'p')).not.toThrow();
    time.advance(400);
    expect(() => limits.admitSearch('p')).not.toThrow();
  });

  it('charges a search for its work beyond SEARCH_WORK_MS_PER_TOKEN, so a long scan spends the searches of several short ones', () => {
    const time = clock();
    const limits = new ScimRateLimits({ ...config, perTokenPerSecond: 0, perProviderPerSecond: 0, searchesPerProviderPerSecond: 10 }, time.now);
    limits.admitSearch('p');
    limits.chargeSearchWork('p', SEARCH_WORK_MS_PER_TOKEN);
    limits.admitSearch('p');
    limits.chargeSearchWork('p', 20 * SEARCH_WORK_MS_PER_TOKEN);
    const error = refusal(() => limits.admitSearch('p'));
    expect(error.retryAfterSeconds).toBe(2);
    expect(() => limits.admitSearch('other')).not.toThrow();
    time.advance(1000);
    expect(() => limits.admitSearch('p')).toThrow(ScimError);
    time.advance(1000);
    expect(() => limits.admitSearch('p')).not.toThrow();
  });

  it('turns every limit off with 0', () => {
    const limits = new ScimRateLimits(
      { perTokenPerSecond: 0, perProviderPerSecond: 0, bodyBytesPerProviderPerSecond: 0, burstSeconds: 1, maxInFlightPerProvider: 0, searchesPerProviderPerSecond: 0, refusalDelayMs: 0, paceBurstMs: 0 },
      clock().now,
    );
    for (let i = 0; i < 10_000; i += 1) {
      limits.admit('t', 'p', 1_000_000);
      limits.admitSearch('p');
    }
  });

  it('holds back refusals a client gets for free (401, 404, 429), and no other answer', async () => {
    const limits = new ScimRateLimits({ ...config, refusalDelayMs: 60 });
    const waited = async (error: unknown) => {
      const started = performance.now();
      await limits.refusalMaySend(error, new Socket());
      return performance.now() - started;
    };
    for (const cheap of [new ScimError(401, 'bad token'), ScimError.notFound('no such IdP'), ScimError.tooManyRequests('slow down', 1)]) {
      expect(await waited(cheap)).toBeGreaterThanOrEqual(50);
    }
    expect(await waited(ScimError.invalidValue('bad value'))).toBeLessThan(50);
    expect(await waited(new Error('not a SCIM error'))).toBeLessThan(50);
    expect(await waited(new ScimError(403, 'SCIM is disabled'))).toBeLessThan(50);
  });
});
