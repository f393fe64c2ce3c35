/**
 * Cross-request batching: ids asked of the same bulk endpoint by concurrent GraphQL requests
 * within one short window are merged, then cut into chunks of at most `maxBatchSize`. Each
 * request then fetches only the chunks that hold its ids, as ordinary calls: identical chunk
 * calls from several requests are the same GET, so dedupe makes them one backend call, with
 * its abort-when-everyone-left rule. Only for data that is the same for every user.
 * (DataLoader batches within one request; nothing in the ecosystem batches across them.)
 */
export class Coalescer {
  private readonly open = new Map<string, Window>();

  constructor(
    /** 0: the same turn of the event loop (no added latency); more: a timer of that many ms. */
    private readonly windowMs: number,
    private readonly maxBatchSize: number,
  ) {}

  /** Adds `ids` to `endpoint`'s window; resolves when it closes with the chunks holding them. */
  async chunksFor(endpoint: string, ids: readonly string[]): Promise<string[][]> {
    let window = this.open.get(endpoint);
    if (!window) {
      window = new Window();
      this.open.set(endpoint, window);
      const closing = window;
      const close = () => {
        this.open.delete(endpoint);
        closing.close(this.maxBatchSize);
      };
      if (this.windowMs > 0) setTimeout(close, this.windowMs);
      else setImmediate(close);
    }
    window.add(ids);
    const chunks = await window.closed;
    const wanted = new Set(ids);
    return chunks.filter((chunk) => chunk.some((id) => wanted.has(id)));
  }
}

class Window {
  private readonly ids = new Set<string>();
  private resolve!: (chunks: string[][]) => void;
  readonly closed = new Promise<string[][]>((resolve) => (this.resolve = resolve));

  add(ids: readonly string[]): void {
    for (const id of ids) this.ids.add(id);
  }

  close(maxBatchSize: number): void {
    const all = [...this.ids];
    const chunks: string[][] = [];
    for (let i = 0; i < all.length; i += maxBatchSize) chunks.push(all.slice(i, i + maxBatchSize));
    this.resolve(chunks);
  }
}
