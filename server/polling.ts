// A background loop of batches: run one, wait, run the next, until stopped. Stopping waits for the
// batch in flight, so nothing is left half-marked. The outbox and the webhook dispatchers poll so.
export class Polling {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  /** Starts polling `runOnce` every `pollMs` after each batch ends; a failed batch goes to `onError`. */
  start(runOnce: () => Promise<unknown>, pollMs: number, onError?: (error: unknown) => void): void {
    if (this.timer) return;
    const tick = async () => {
      this.running = runOnce().catch((error) => onError?.(error));
      await this.running;
      this.running = null;
      if (this.timer) this.timer = setTimeout(tick, pollMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
