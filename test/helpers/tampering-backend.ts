import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Changes a backend's parsed JSON answer to `path` (e.g. `/stock`); returns what to send instead. */
export type Tamper = (path: string, body: any) => any;

export interface TamperingBackend {
  readonly url: string;
  /** The backend whose answers it passes on, e.g. a mock's URL. */
  target: string;
  /** What to do to the next answers; unset, they pass through untouched. */
  tamper: Tamper | undefined;
  close(): Promise<void>;
}

/**
 * A backend that answers what a real one (`target`, a mock) answers, changed by `tamper`: for
 * the values outside the contract that the mocks never send (a stock of -8, a rating of 7).
 * GETs only, which is all a read path sends. `target` may be set after the start, so the BFF
 * can be configured with this backend's URL before the mocks behind it exist.
 */
export async function startTamperingBackend(target = ''): Promise<TamperingBackend> {
  const backend: TamperingBackend = { url: '', target, tamper: undefined, close: async () => undefined };
  const server: Server = createServer(async (req, res) => {
    try {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'host' && name !== 'connection')) as Record<string, string>;
      const upstream = await fetch(`${backend.target}${req.url}`, { method: req.method, headers });
      const text = await upstream.text();
      const tamper = backend.tamper;
      const isJson = upstream.headers.get('content-type')?.includes('application/json') && upstream.status === 200;
      const body = tamper && isJson ? JSON.stringify(tamper(new URL(req.url!, backend.target).pathname, JSON.parse(text))) : text;
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(body);
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(backend, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/**
 * A tamper that changes the first item of `path`'s bulk answer for which `which` holds: its
 * fields are overwritten with `change`'s, or it is replaced by what `change` returns.
 */
export function changeItem(path: string, which: (item: any) => boolean, change: Record<string, unknown> | ((item: any) => any)): Tamper {
  return (answered, body) => {
    if (answered !== path) return body;
    const index = body.items.findIndex(which);
    if (index < 0) throw new Error(`no item of ${path} to change`);
    const items = [...body.items];
    items[index] = typeof change === 'function' ? change(items[index]) : { ...items[index], ...change };
    return { ...body, items };
  };
}
