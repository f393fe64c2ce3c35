import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** The edge's settings: defaults per mode, and one message per bad value. */
describe('edge configuration', () => {
  it('ships storefront defaults', () => {
    expect(loadConfig({}).edge).toEqual({
      maxDepth: 10,
      maxAliases: 15,
      maxDirectives: 20,
      maxTokens: 2000,
      maxRootFields: 10,
      maxCost: 5000,
      maxListSize: 100,
      maxBodyBytes: 102400,
      batchLimit: 0,
      rateLimitPoints: 600,
      rateLimitWindowS: 60,
      redisUrl: undefined,
      trustProxy: 0,
      introspection: true,
      fieldSuggestions: true,
      trustedDocuments: undefined,
      corsOrigins: '*',
      csrfHeaders: ['x-graphql-client-name', 'apollo-require-preflight', 'x-graphql-yoga-csrf'],
    });
    expect(Object.isFrozen(loadConfig({}).edge)).toBe(true);
  });

  it('closes up in production: no introspection, no suggestions, no other origin', () => {
    expect(loadConfig({ NODE_ENV: 'production', DELIVERY_QUEUE: 'memory' }).edge).toMatchObject({
      introspection: false,
      fieldSuggestions: false,
      corsOrigins: [],
    });
    const enabled = loadConfig({
      NODE_ENV: 'production',
      DELIVERY_QUEUE: 'memory',
      INTROSPECTION: 'on',
      FIELD_SUGGESTIONS: 'true',
      CORS_ORIGINS: 'https://shop.example/, https://m.shop.example:8443',
    });
    expect(enabled.edge).toMatchObject({ introspection: true, fieldSuggestions: true, corsOrigins: ['https://shop.example', 'https://m.shop.example:8443'] });
  });

  it('reads TRUST_PROXY as true, false or a number of proxies', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).edge.trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).edge.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'false' }).edge.trustProxy).toBe(0);
  });

  it('lists every bad edge value at once, and refuses CORS_ORIGINS=* in production', () => {
    let error: unknown;
    try {
      loadConfig({
        NODE_ENV: 'production',
        CORS_ORIGINS: '*',
        MAX_DEPTH: '0',
        MAX_BODY_BYTES: 'lots',
        BATCH_LIMIT: '1000',
        TRUST_PROXY: 'maybe',
        REDIS_URL: 'http://user:secret@redis:6379',
        CSRF_HEADERS: 'x ok, bad header',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('CORS_ORIGINS must list the frontends\' origins in production, not "*"');
    expect(problems).toContain('MAX_DEPTH must be an integer from 1');
    expect(problems).toContain('MAX_BODY_BYTES must be an integer from 1024');
    expect(problems).toContain('BATCH_LIMIT must be an integer from 0 to 100');
    expect(problems).toContain('TRUST_PROXY must be true, false or a number of proxies');
    expect(problems).toContain('REDIS_URL must be a redis:// or rediss:// URL');
    // The password in a bad REDIS_URL is not repeated in the message.
    expect(problems).not.toContain('secret');
    expect(problems).toContain('CSRF_HEADERS must be comma-separated header names');
  });

  it('refuses an origin with a path: a browser never sends one', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'https://shop.example/app' })).toThrow(/CORS_ORIGINS must be "\*" or comma-separated origins/);
  });
});
