import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const breaker = () => new CircuitBreaker(3, 1000, () => now);
  beforeEach(() => (now = 0));

  it('stays closed below the threshold, and a success in between starts the count again', () => {
    const b = breaker();
    expect(b.failed()).toBe(false);
    expect(b.failed()).toBe(false);
    b.succeeded();
    expect(b.failed()).toBe(false);
    expect(b.failed()).toBe(false);
    expect(b.isOpen).toBe(false);
    expect(b.admit()).toBe(true);
  });

  it('opens at the threshold and refuses everything during the cool-down', () => {
    const b = breaker();
    b.failed();
    b.failed();
    expect(b.failed()).toBe(true);
    expect(b.isOpen).toBe(true);
    now = 999;
    expect(b.admit()).toBe(false);
  });

  it('after the cool-down lets one probe through at a time; its success closes the breaker', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    now = 1000;
    expect(b.admit()).toBe(true);
    expect(b.admit()).toBe(false);
    expect(b.succeeded()).toBe(true);
    expect(b.isOpen).toBe(false);
    expect(b.admit()).toBe(true);
    expect(b.succeeded()).toBe(false);
  });

  it('a failed probe opens it for another cool-down', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    now = 1000;
    expect(b.admit()).toBe(true);
    expect(b.failed()).toBe(false);
    now = 1999;
    expect(b.admit()).toBe(false);
    now = 2000;
    expect(b.admit()).toBe(true);
  });

  it('an inconclusive probe frees the way for the next probe without closing the breaker', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    now = 1000;
    expect(b.admit()).toBe(true);
    b.inconclusive();
    expect(b.isOpen).toBe(true);
    expect(b.admit()).toBe(true);
  });
});
