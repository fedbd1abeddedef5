/**
 * Guests booted at once in one process: each is a TCG thread, so a process holds as many slots as
 * it has cores to give. Shared by every shard a worker has in hand, so shards of a few boots each
 * still keep every slot busy.
 */
export class BootSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`boot slots must be a positive integer, got ${size}`);
    this.free = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so it is never counted free in between.
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
