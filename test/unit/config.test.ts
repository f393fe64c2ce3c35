import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('runs on embedded defaults: the mocks on 4001–4006', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.backends.users.url).toBe('http://127.0.0.1:4001');
    expect(config.backends.notifications.url).toBe('http://127.0.0.1:4006');
    expect(config.backends.catalog).toMatchObject({ timeoutMs: 2000, maxBatchSize: 100 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes a per-backend setting over the shared one', () => {
    const config = loadConfig({ BACKEND_TIMEOUT_MS: '1500', INVENTORY_TIMEOUT_MS: '300', USERS_URL: 'http://users:4001' });
    expect(config.backends.catalog.timeoutMs).toBe(1500);
    expect(config.backends.inventory.timeoutMs).toBe(300);
    expect(config.backends.users.url).toBe('http://users:4001');
  });

  it('turns GraphiQL off in production unless asked for', () => {
    expect(loadConfig({ NODE_ENV: 'production', DELIVERY_QUEUE: 'memory' }).graphiql).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DELIVERY_QUEUE: 'memory', GRAPHIQL: 'true' }).graphiql).toBe(true);
  });

  it('lists every problem at once, naming the variable and the value', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', USERS_URL: 'users:4001', CATALOG_URL: 'http://catalog:4002/api', LOG_LEVEL: 'loud', GRAPHIQL: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems } = error as ConfigError;
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toContain('PORT must be an integer from 0 to 65535, got "eighty"');
    expect(problems.join('\n')).toContain('USERS_URL must be an http(s) origin');
    expect(problems.join('\n')).toContain('CATALOG_URL must be an http(s) origin');
    expect(problems.join('\n')).toContain('LOG_LEVEL must be one of');
    expect(problems.join('\n')).toContain('GRAPHIQL must be true or false');
  });
});
