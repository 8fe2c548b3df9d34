/** Pause / resume / stop for the training loop: it calls between() after every step. */

/** Thrown by between() once stop() was called; the session ends the run there and reports what it has. */
export class StopRequested extends Error {
  override readonly name = 'StopRequested';
  constructor() {
    super('training stopped by the user');
  }
}

/** Resolves after the worker has handled the messages that arrived meanwhile (a macrotask, no 4 ms clamp). */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

export class Pacer {
  private paused = false;
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(private readonly onPause: (paused: boolean) => void) {}

  pause(): void {
    if (this.paused || this.stopped) return;
    this.paused = true;
    this.onPause(true);
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.onPause(false);
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Lets pending messages in, waits while paused, and throws StopRequested once stopped. */
  async between(): Promise<void> {
    await yieldToMessages();
    while (this.paused && !this.stopped) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
    if (this.stopped) throw new StopRequested();
  }
}
