/**
 * A system binary as a child (HAProxy, redis-server): its output to a log file, its exit
 * awaited, and killed if we exit first. TypeScript entry points use bench/processes.ts'
 * spawnTs instead; this is the same idea for a program that is not node.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface BinaryChild {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles once it has exited, e.g. `code 0` or `signal SIGTERM`. */
  readonly exited: Promise<string>;
  alive(): boolean;
  /** The last lines of its log, for error messages. */
  tail(lines?: number): string;
  /** `signal` (SIGTERM by default), then SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const running = new Set<BinaryChild>();
// Nothing asynchronous runs on exit: whatever is left is killed there and then.
process.once('exit', () => {
  for (const child of running) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});

export function spawnBinary(name: string, command: string, args: readonly string[], env: Record<string, string>, logFile: string): BinaryChild {
  const fd = openSync(logFile, 'a');
  const proc = spawn(command, args, { env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/bin', ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (proc.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  let alive = true;
  const exited = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => {
      alive = false;
      running.delete(child);
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
  });
  const child: BinaryChild = {
    name,
    pid: proc.pid,
    logFile,
    exited,
    alive: () => alive,
    tail: (lines = 20) => {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (!alive) return;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(child);
  return child;
}

/**
 * A port nothing listens on now, from the kernel (port 0). Another process could take it
 * before ours binds it; on loopback, within a second, that does not happen in practice, and
 * HAProxy and the BFF must be told their ports up front.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
