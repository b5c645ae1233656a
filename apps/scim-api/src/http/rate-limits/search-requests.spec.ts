import type { FastifyRequest } from 'fastify';
import { markSearch, searchPause, searchWorkBegins, searchWorkMs } from './search-requests';

describe('a search\'s work and its pauses', () => {
  afterEach(() => jest.useRealTimers());

  it('charges the time at work, not the time paused for other IdPs between batches', async () => {
    jest.useFakeTimers();
    const request = {} as FastifyRequest;
    markSearch(request);
    expect(searchWorkMs(request)).toBeUndefined();
    searchWorkBegins(request, () => new Promise((resolve) => setTimeout(resolve, 300)));
    jest.advanceTimersByTime(100);
    const paused = searchPause(request)!();
    await jest.advanceTimersByTimeAsync(300);
    await paused;
    jest.advanceTimersByTime(50);
    expect(searchWorkMs(request)).toBeCloseTo(150, 0);
  });

  it('gives a request that is no search no pause', () => {
    const request = {} as FastifyRequest;
    searchWorkBegins(request, async () => undefined);
    expect(searchPause(request)).toBeUndefined();
    expect(searchWorkMs(request)).toBeUndefined();
  });
});
