// A background loop of batches: run one, wait, run the next, until stopped. A batch that went
// through is followed at once, until one finds nothing due: a backlog drains at the pace its
// receiver takes it rather than one batch per interval. Stopping waits for the batch in flight,
// so nothing is left half-marked. The outbox and the webhook dispatchers poll so.
export class Polling {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  /**
   * Starts running `runOnce` `pollMs` after each batch ends, or at once after a batch that resolves
   * to true (it delivered something: more may be due); a failed batch goes to `onError` and waits.
   */
  start(runOnce: () => Promise<boolean>, pollMs: number, onError?: (error: unknown) => void): void {
    if (this.timer) return;
    const tick = async () => {
      const batch = runOnce().catch((error) => {
        onError?.(error);
        return false;
      });
      this.running = batch;
      const more = await batch;
      this.running = null;
      if (this.timer) this.timer = setTimeout(tick, more ? 0 : pollMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
