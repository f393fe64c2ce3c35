import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** The settings of the frontend features: their defaults, and a clear refusal of bad values. */
describe('frontend settings', () => {
  it('defaults: jit, APQ on, CDN max-age 60 s, @defer on, compression from 1 KB', () => {
    const config = loadConfig({});
    expect(config.executor).toBe('jit');
    expect(config.frontend).toEqual({
      apq: true,
      apqMaxDocuments: 10_000,
      apqTtlS: 86_400,
      redisUrl: undefined,
      cdnMaxAgeS: 60,
      deferStream: true,
      compression: true,
      compressionMinBytes: 1024,
    });
    expect(Object.isFrozen(config.frontend)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      EXECUTOR: 'default',
      APQ: 'off',
      APQ_MAX_DOCUMENTS: '50',
      APQ_TTL_S: '600',
      CDN_MAX_AGE_S: '0',
      DEFER_STREAM: 'false',
      COMPRESSION: 'no',
      COMPRESSION_MIN_BYTES: '0',
    });
    expect(config.executor).toBe('default');
    expect(config.frontend).toMatchObject({
      apq: false,
      apqMaxDocuments: 50,
      apqTtlS: 600,
      cdnMaxAgeS: 0,
      deferStream: false,
      compression: false,
      compressionMinBytes: 0,
    });
  });

  it('refuses bad values, naming each', () => {
    let error: unknown;
    try {
      loadConfig({ EXECUTOR: 'fast', APQ_MAX_DOCUMENTS: '0', APQ_TTL_S: 'a day', CDN_MAX_AGE_S: '-1', COMPRESSION: 'maybe' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['EXECUTOR must be one of jit, default', 'APQ_MAX_DOCUMENTS', 'APQ_TTL_S', 'CDN_MAX_AGE_S', 'COMPRESSION must be true or false'])
      expect(problems).toContain(name);
  });
});
