/**
 * Fails fast while the database is known to be unreachable, instead of letting every request wait
 * out the full timeout. After `threshold` failures in a row it opens for `cooldownMs`; then it lets
 * one probe through at a time, and the first operation that reaches the server closes it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private probing = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get isOpen(): boolean {
    return this.failures >= this.threshold;
  }

  /** Whether an operation may go to the server now; every admitted one must end in succeeded(), failed() or inconclusive(). */
  admit(): boolean {
    if (!this.isOpen) return true;
    if (this.probing || this.now() < this.openUntil) return false;
    this.probing = true;
    return true;
  }

  /** The server answered; returns true when this closes an open breaker. */
  succeeded(): boolean {
    const wasOpen = this.isOpen;
    this.failures = 0;
    this.probing = false;
    return wasOpen;
  }

  /** The server could not be reached or went silent; returns true when this opens the breaker. */
  failed(): boolean {
    const wasOpen = this.isOpen;
    this.failures += 1;
    this.probing = false;
    if (this.isOpen) this.openUntil = this.now() + this.cooldownMs;
    return !wasOpen && this.isOpen;
  }

  /** The operation ended without telling whether the server is there (such as a wait for a pooled connection). */
  inconclusive(): void {
    this.probing = false;
  }
}
