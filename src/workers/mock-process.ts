/**
 * `npm start` runs the mock backends as a child process (mock-process-main.ts), on the ports
 * the BFF's `<SERVICE>_URL`s name (4001–4006 by default), and stops it after the BFF.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceName } from '../../mocks/index.js';
import { SERVICE_NAMES, type Config } from '../config.js';

/** How the parent passes the ports: JSON `{ "users": 4001, … }`. */
export const MOCK_PORTS_ENV = 'BFF_DEV_MOCK_PORTS';

export type MockProcessMessage = { type: 'listening'; urls: Record<ServiceName, string> } | { type: 'failed'; message: string };

export interface MockProcess {
  readonly pid: number;
  readonly urls: Readonly<Record<ServiceName, string>>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Each mock's port, from the backend URLs the BFF was configured with; they must be on this machine. */
export function mockPorts(config: Pick<Config, 'backends'>): Record<ServiceName, number> {
  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICE_NAMES) {
    const url = new URL(config.backends[name].url);
    if (!LOOPBACK.has(url.hostname)) {
      throw new Error(`npm start runs the mock backends on this machine: ${name.toUpperCase()}_URL must name 127.0.0.1 or localhost, got ${url.origin}`);
    }
    ports[name] = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  }
  return ports;
}

export async function startMockProcess(ports: Record<ServiceName, number>): Promise<MockProcess> {
  // The same runtime flags as ours: under tsx, its loader; compiled, none.
  const entry = fileURLToPath(new URL(`./mock-process-main${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, entry], {
    env: { ...process.env, [MOCK_PORTS_ENV]: JSON.stringify(ports) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const first = await Promise.race([
    once(child, 'message').then(([message]) => message as MockProcessMessage),
    exited.then(([code, signal]) => ({ type: 'failed', message: `exited (${signal ?? `code ${code}`}) before listening` }) as const),
  ]);
  if (first.type !== 'listening') {
    child.kill('SIGKILL');
    throw new Error(`the mock backends could not start: ${first.message}`);
  }
  // Nothing more to hear from it; the channel stays open only so that it ends when we do.
  child.channel?.unref();
  return {
    pid: child.pid!,
    urls: first.urls,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
