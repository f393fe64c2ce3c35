import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { AnswerCacheability, answerCacheabilityOf, sharedFreshness } from '../../src/edge/answer-cacheability.js';
import { useCacheControl } from '../../src/edge/use-cache-control.js';

/**
 * How a GET answer's Cache-Control follows from the backend answers it was made of. The BFF's
 * transport reports each call and answer to `answerCacheabilityOf(request)` (began / answered);
 * here a resolver does what the transport does (counts the call, reports its answer), so the
 * rule is tested apart from the backends.
 */
describe('a backend answer, as a shared cache reads it', () => {
  it.each([
    // The mocks' own headers (mocks/services/*.ts).
    ['public, max-age=60', 60],
    ['public, max-age=1', 1],
    ['private, max-age=60', 0],
    ['private, no-store', 0],
    // RFC 9111: s-maxage is for shared caches and wins over max-age.
    ['max-age=60, s-maxage=10', 10],
    ['no-cache, max-age=60', 0],
    ['Public, Max-Age=30', 30],
    ['max-age=abc', 0],
    ['public', 0],
    [undefined, 0],
  ])('%s → fresh for %i s', (header, seconds) => {
    expect(sharedFreshness(header)).toBe(seconds);
  });

  it('an answer is as fresh as its least fresh part, minus the age of cached parts, within the cap', () => {
    const answer = new AnswerCacheability();
    answer.began();
    answer.answered(sharedFreshness('public, max-age=60'));
    answer.began();
    answer.answered(sharedFreshness('public, max-age=30') - 12);
    expect(answer.maxAge(3600)).toBe(18);
    expect(answer.maxAge(10)).toBe(10);
    // A call made but not answered (it failed): nothing shared.
    answer.began();
    expect(answer.maxAge(3600)).toBe(0);
    answer.answered(sharedFreshness('private, max-age=60'));
    expect(answer.maxAge(3600)).toBe(0);
  });
});

/** A tiny yoga whose resolvers stand in for backends answering with the given Cache-Control. */
function yogaWithBackends(maxAgeSeconds = 60) {
  const backend =
    (cacheControl: string, value: string) =>
    (_: unknown, __: unknown, { request }: { request: Request }) => {
      const answer = answerCacheabilityOf(request);
      answer.began();
      answer.answered(sharedFreshness(cacheControl));
      return value;
    };
  return createYoga({
    schema: createSchema({
      typeDefs: 'type Query { catalog: String  reviews: String  me: String  broken: String  quiet: String }  type Mutation { touch: String }',
      resolvers: {
        Query: {
          catalog: backend('public, max-age=30', 'products'),
          reviews: backend('public, max-age=10', 'reviews'),
          me: backend('private, max-age=60', 'me'),
          broken: () => {
            throw new Error('down');
          },
          quiet: () => 'no backend',
        },
        Mutation: { touch: () => 'ok' },
      },
    }),
    plugins: [useCacheControl({ maxAgeSeconds })],
    logging: false,
  });
}

async function get(yoga: ReturnType<typeof yogaWithBackends>, query: string, headers: Record<string, string> = {}) {
  const response = await yoga.fetch(`http://bff.test/graphql?query=${encodeURIComponent(query)}`, {
    headers: { accept: 'application/graphql-response+json', ...headers },
  });
  return { status: response.status, cacheControl: response.headers.get('cache-control'), vary: response.headers.get('vary') };
}

describe('Cache-Control of GET answers', () => {
  const yoga = yogaWithBackends();

  it('public backends: max-age of the least fresh, with Vary', async () => {
    expect(await get(yoga, '{ catalog reviews }')).toEqual({ status: 200, cacheControl: 'max-age=10', vary: 'Accept, Authorization' });
    expect((await get(yoga, '{ catalog }')).cacheControl).toBe('max-age=30');
  });

  it('no backend at all: the cap', async () => {
    expect((await get(yoga, '{ quiet }')).cacheControl).toBe('max-age=60');
    expect((await get(yogaWithBackends(0), '{ quiet }')).cacheControl).toBe('no-store');
  });

  it('one private backend answer makes the whole answer no-store', async () => {
    expect((await get(yoga, '{ catalog me }')).cacheControl).toBe('no-store');
  });

  it('credentials: private, whatever the backends said', async () => {
    expect((await get(yoga, '{ catalog }', { authorization: 'Bearer token-1' })).cacheControl).toBe('private, no-store');
  });

  it('errors, and requests refused before execution: no-store', async () => {
    expect((await get(yoga, '{ catalog broken }')).cacheControl).toBe('no-store');
    expect(await get(yoga, '{ nope }')).toMatchObject({ status: 400, cacheControl: 'no-store' });
    // Yoga refuses a mutation over GET (405): never cacheable either.
    expect(await get(yoga, 'mutation { touch }')).toMatchObject({ status: 405, cacheControl: 'no-store' });
  });

  it('POST answers are left alone', async () => {
    const response = await yoga.fetch('http://bff.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ catalog }' }),
    });
    expect(response.headers.get('cache-control')).toBeNull();
  });
});
