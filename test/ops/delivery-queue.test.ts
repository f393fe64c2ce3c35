import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/**
 * Production never runs the in-process delivery queue (which loses what it holds when the
 * process stops) without the operator saying so: REDIS_URL, or DELIVERY_QUEUE=memory.
 */
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('the delivery queue chosen at start (loadConfig)', () => {
  it('refuses production with no REDIS_URL and no DELIVERY_QUEUE, naming both ways out', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^NODE_ENV=production needs a durable delivery queue: set REDIS_URL .*, or set DELIVERY_QUEUE=memory to accept the in-process queue/,
    );
  });

  it('refuses DELIVERY_QUEUE=redis without REDIS_URL, in any mode, and a value it does not know', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) {
      expect(problemsOf({ NODE_ENV, DELIVERY_QUEUE: 'redis' })).toEqual([
        'DELIVERY_QUEUE=redis needs REDIS_URL (the Redis of the durable queue), which is unset',
      ]);
    }
    expect(problemsOf({ DELIVERY_QUEUE: 'disk' })).toEqual(['DELIVERY_QUEUE must be one of redis, memory, got "disk"']);
  });

  it('production runs with REDIS_URL (the durable queue), or with DELIVERY_QUEUE=memory said explicitly', () => {
    expect(loadConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://redis:6379' }).delivery).toMatchObject({ queue: 'redis', redisUrl: 'redis://redis:6379' });
    expect(loadConfig({ NODE_ENV: 'production', DELIVERY_QUEUE: 'memory' }).delivery).toMatchObject({ queue: 'memory', redisUrl: undefined });
  });

  it('outside production the default follows REDIS_URL; DELIVERY_QUEUE=memory keeps the writes in memory even with REDIS_URL (the rate limiter still uses it)', () => {
    expect(loadConfig({}).delivery).toMatchObject({ queue: 'memory', redisUrl: undefined });
    expect(loadConfig({ REDIS_URL: 'redis://redis:6379' }).delivery).toMatchObject({ queue: 'redis', redisUrl: 'redis://redis:6379' });
    const memory = loadConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://redis:6379', DELIVERY_QUEUE: 'memory' });
    expect(memory.delivery).toMatchObject({ queue: 'memory', redisUrl: undefined });
    expect(memory.edge.redisUrl).toBe('redis://redis:6379');
  });
});

describe('the process', () => {
  it('NODE_ENV=production without REDIS_URL exits 2 at once with the message, before listening, without a stack trace', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(output).toContain('NODE_ENV=production needs a durable delivery queue: set REDIS_URL');
    expect(output).toContain('or set DELIVERY_QUEUE=memory');
    expect(output).not.toContain('/graphql');
    expect(output).not.toMatch(/\n\s+at /);
  });
});
