/**
 * Work started by a request that may outlive its socket: the handler of a client that hung up
 * keeps running (graphql-js cannot abort resolvers), and so does an operation the request timeout
 * answered early. The listener's close() no longer waits for it once the socket is gone, so
 * shutdown drains this set before it stops the job queue and closes the database (otherwise those
 * handlers log "Cannot use a pool after calling end on the pool").
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();
  private readonly idle: (() => void)[] = [];

  /** Registers work; returns the same promise. */
  track<T>(work: Promise<T> | T): Promise<T> {
    const promise = Promise.resolve(work);
    const settled: Promise<void> = promise.then(
      () => this.forget(settled),
      () => this.forget(settled),
    );
    this.pending.add(settled);
    return promise;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves when nothing is in flight (true) or after timeoutMs (false: this.size still running). */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.pending.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<true>((resolve) => this.idle.push(() => resolve(true)));
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([idle, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private forget(settled: Promise<unknown>): void {
    this.pending.delete(settled);
    if (this.pending.size === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}
