import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../../src/config.js';
import { waitFor } from '../helpers/mock-control.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * Two BFF instances behind a real load balancer (Debian's HAProxy, checking `/ready` as an
 * operator would configure it): a backend that is down keeps both in rotation, and a stopping
 * instance leaves rotation before it stops accepting, so no client sees an error.
 */
const haproxyFound = spawnSync('haproxy', ['-v']).status === 0;
if (!haproxyFound) console.warn('test/ops/haproxy.test.ts: haproxy is not installed (apt-get install haproxy), skipping');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

class HaProxy {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'bff-haproxy-'));
  url = '';
  private statsUrl = '';

  async start(servers: Record<string, string>): Promise<void> {
    const [port, statsPort] = [await freePort(), await freePort()];
    this.url = `http://127.0.0.1:${port}`;
    this.statsUrl = `http://127.0.0.1:${statsPort}/stats;csv`;
    const lines = Object.entries(servers).map(([name, url]) => `  server ${name} ${new URL(url).host} check inter 300 fall 2 rise 2`);
    const config = `
defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server 10s
  # Below the BFF's KEEP_ALIVE_TIMEOUT_MS, as the README asks.
  timeout http-keep-alive 2s
  timeout check 2s
frontend storefront
  bind 127.0.0.1:${port}
  default_backend bff
backend bff
  balance roundrobin
  option httpchk
  http-check send meth GET uri /ready ver HTTP/1.1 hdr Host bff
  http-check expect status 200
${lines.join('\n')}
listen stats
  bind 127.0.0.1:${statsPort}
  stats enable
  stats uri /stats
`;
    const file = join(this.dir, 'haproxy.cfg');
    writeFileSync(file, config);
    this.child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    await waitFor('haproxy to listen', async () => (await fetch(this.statsUrl).catch(() => undefined))?.ok === true, 10_000);
  }

  /** Each server's status as HAProxy sees it: `UP`, `DOWN`, … */
  async states(): Promise<Record<string, string>> {
    const rows = (await (await fetch(this.statsUrl)).text())
      .trim()
      .split('\n')
      .map((line) => line.split(','));
    const header = rows[0]!.map((h) => h.replace(/^# /, ''));
    const at = (name: string) => header.indexOf(name);
    const servers = rows.slice(1).filter((r) => r[at('pxname')] === 'bff' && !['FRONTEND', 'BACKEND'].includes(r[at('svname')]!));
    return Object.fromEntries(servers.map((r) => [r[at('svname')], r[at('status')]]));
  }

  stop(): void {
    this.child?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Requests each instance's socket served, counted on its node:http server. */
function countRequests(stack: Stack): { graphql: number } {
  const count = { graphql: 0 };
  stack.http!.server.on('request', (request) => {
    if (request.url?.startsWith('/graphql')) count.graphql++;
  });
  return count;
}

const query = (url: string, id: number) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ product(id: "${id}") { name } }` }),
    signal: AbortSignal.timeout(5000),
  }).then(
    async (response) => ({ status: response.status, ok: response.ok && typeof (await response.json()).data?.product?.name === 'string' }),
    (error: Error) => ({ status: 0, ok: false, error: error.message }),
  );

describe.skipIf(!haproxyFound)('behind HAProxy checking /ready', () => {
  let first: Stack;
  let second: Stack | undefined;
  let haproxy: HaProxy;
  beforeAll(async () => {
    // Notifications is down for both (an unreachable port): a backend outage shared by every instance.
    first = await startStack({ http: true, env: { NOTIFICATIONS_URL: 'http://127.0.0.1:1', SHUTDOWN_DRAIN_MS: '1500', SHUTDOWN_GRACE_MS: '3000' } });
    const shared = Object.fromEntries(SERVICE_NAMES.filter((s) => s !== 'notifications').map((s) => [`${s.toUpperCase()}_URL`, first.mocks.urls[s]]));
    second = await startStack({ http: true, env: { ...shared, NOTIFICATIONS_URL: 'http://127.0.0.1:1' } });
    haproxy = new HaProxy();
    await haproxy.start({ a: first.http!.url, b: second.http!.url });
  });
  afterAll(async () => {
    haproxy?.stop();
    await Promise.all([first?.close(), second?.close()]);
  });

  it('a backend down for every instance leaves both in rotation, and reads are answered', async () => {
    await waitFor('HAProxy to see both up', async () => JSON.stringify(await haproxy.states()) === JSON.stringify({ a: 'UP', b: 'UP' }), 10_000);
    const verbose = await (await fetch(`${first.http!.url}/ready?verbose`)).json();
    expect(verbose.backends.notifications.up).toBe(false);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => query(haproxy.url, i + 1)));
    expect(answers.filter((a) => !a.ok)).toEqual([]);
    expect(await haproxy.states()).toEqual({ a: 'UP', b: 'UP' });
  });

  it('an instance shutting down (what SIGTERM runs) leaves rotation while it still serves: no request through the balancer fails', async () => {
    const served = countRequests(first);
    const results: Awaited<ReturnType<typeof query>>[] = [];
    let stopped = false;
    const load = (async () => {
      // Bounded: at most 3000 requests or until the instance has stopped and 300 more went out.
      for (let i = 0, after = 0; i < 3000 && after < 300; i++) {
        results.push(await query(haproxy.url, (i % 100) + 1));
        if (stopped) after++;
      }
    })();
    await waitFor('traffic on both instances', async () => served.graphql >= 20, 10_000);
    const shutdown = first.http!.shutdown().then(() => (stopped = true));
    // HAProxy takes it out of rotation during the drain, before the socket closes.
    await waitFor('HAProxy to mark the stopping instance down', async () => (await haproxy.states()).a?.startsWith('DOWN') === true, 5000);
    const downBeforeClosed = !stopped;
    await shutdown;
    await load;
    expect(downBeforeClosed).toBe(true);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(300);
    expect((await haproxy.states()).b).toBe('UP');
  }, 30_000);
});
