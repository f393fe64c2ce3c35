/**
 * Child processes: spawn a TypeScript entry point under tsx, follow its output, wait for it to
 * be ready, and make sure it dies with us. Nothing here knows about the BFF or the mocks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

export type LineListener = (line: string, stream: 'stdout' | 'stderr') => void;

export interface Child {
  readonly name: string;
  readonly pid: number;
  /** Settles when the process has exited, with a description such as `code 1` or `signal SIGTERM`. */
  readonly exited: Promise<string>;
  /** Whether it is still running. */
  alive(): boolean;
  /** Its last lines of output (both streams), for error messages. */
  tail(): string[];
  /** Called for every line it prints. */
  onLine(listener: LineListener): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const TAIL_LINES = 30;
const live = new Set<Child>();

/**
 * The environment a child gets: only what node itself needs, plus `env`. A developer's shell
 * may hold FAULT_*, USERS_URL, LOG_PRETTY or NODE_OPTIONS; none of them may change the figures.
 */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  const base = Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  return { ...base, ...env };
}

/** Starts `node --import tsx <entry>`: a TypeScript entry point, from the sources. */
export function spawnTs(name: string, entry: string, env: Record<string, string>, cwd: string): Child {
  return spawnNode(name, ['--import', 'tsx', entry], env, cwd);
}

/**
 * Starts `node <args>` (node itself, not npx or a shell, so the pid we hold is the process
 * that serves, and our signals reach it directly).
 */
export function spawnNode(name: string, args: string[], env: Record<string, string>, cwd: string): Child {
  const entry = args.at(-1);
  const proc: ChildProcess = spawn(process.execPath, args, {
    cwd,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`could not start ${name} (${entry})`);

  const lines: string[] = [];
  const listeners: LineListener[] = [];
  let running = true;
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: proc[stream]!, crlfDelay: Infinity }).on('line', (line) => {
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      for (const listener of listeners) listener(line, stream);
    });
  }
  const exited = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => {
      running = false;
      live.delete(child);
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
  });

  const child: Child = {
    name,
    pid: proc.pid,
    exited,
    alive: () => running,
    tail: () => [...lines],
    onLine: (listener) => void listeners.push(listener),
    async stop(graceMs = 5000) {
      if (!running) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  live.add(child);
  return child;
}

/** Stops every child still running, gracefully first. */
export async function stopAll(graceMs = 5000): Promise<void> {
  await Promise.all([...live].map((child) => child.stop(graceMs)));
}

/**
 * Last resort for `process.on('exit')`, where nothing asynchronous runs: SIGKILL whatever is
 * left, so no mock keeps a port (and the next run's numbers) hostage.
 */
export function killAllNow(): void {
  for (const child of live) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * Fails if something already listens on `port`: a leftover BFF from an earlier run would
 * otherwise answer our readiness poll, and we would benchmark the wrong process.
 */
export async function assertPortFree(port: number, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} is already in use (a process left from an earlier run? stop it, or set BENCH_BASE_PORT)`
            : `cannot check port ${port}: ${error.message}`,
        ),
      ),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

/**
 * Polls `probe` until it returns true, at most `timeoutMs`. Gives up at once if one of `watch`
 * exits: a child that crashed on start will never become ready, and its output says why.
 */
export async function waitUntil(what: string, probe: () => Promise<boolean>, opts: { timeoutMs: number; intervalMs?: number; watch?: Child[] }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const dead = opts.watch?.find((child) => !child.alive());
    if (dead) throw new Error(`${dead.name} exited (${await dead.exited}) while waiting for ${what}:\n    ${dead.tail().join('\n    ')}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      const tails = (opts.watch ?? []).map((child) => `${child.name}:\n    ${child.tail().join('\n    ') || '(no output)'}`);
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}\n${tails.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 200));
  }
}

/** GET `url`, true on a 200; bounded, so a hung server cannot stall a poll. */
export async function isOk(url: string, timeoutMs = 1000): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  return response.status === 200;
}
