import { describe, expect, it } from 'vitest';
import { SharedCalls } from '../../../src/backends/resilience/shared-calls.js';
import type { Answer } from '../../../src/backends/pipeline.js';
import { dedupe, dedupeKey } from '../../../src/backends/steps/dedupe.js';
import { RecordedEvents, answer, deferred, makeCall, recordingNext } from './helpers.js';

describe('dedupe step', () => {
  it('identical GETs in flight share one call; each reports whether it started or joined', async () => {
    const held = deferred<Answer>();
    const { calls, next } = recordingNext(() => held.promise);
    const step = dedupe(new SharedCalls<Answer>())(next);
    const events = [new RecordedEvents(), new RecordedEvents()];
    const answers = events.map((e) => step(makeCall({ path: '/products', query: { ids: ['1', '2'] } }, { events: e })));
    held.resolve(answer({ items: [] }));
    expect(await Promise.all(answers)).toEqual([answer({ items: [] }), answer({ items: [] })]);
    expect(calls).toHaveLength(1);
    expect(events.map((e) => e.log)).toEqual([['started GET /products?ids=1,2 '], ['joined GET /products?ids=1,2 ']]);
  });

  it('the shared call runs under a lifetime of its own, not the first caller\u2019s deadline', async () => {
    const { calls, next } = recordingNext();
    const call = makeCall();
    await dedupe(new SharedCalls<Answer>())(next)(call);
    expect(calls[0]!.deadline).not.toBe(call.deadline);
    expect(calls[0]!.deadline.at).toBe(call.deadline.at);
  });

  it('two users\u2019 calls never share: the credentials are part of the key', async () => {
    const { calls, next } = recordingNext();
    const step = dedupe(new SharedCalls<Answer>())(next);
    await Promise.all(['Bearer a', 'Bearer b'].map((authorization) => step(makeCall({ path: '/me', headers: { authorization } }))));
    expect(calls).toHaveLength(2);
    expect(dedupeKey(makeCall({ path: '/me', headers: { authorization: 'Bearer a' } }))).not.toBe(
      dedupeKey(makeCall({ path: '/me', headers: { authorization: 'Bearer b' } })),
    );
  });

  it('writes are never shared', async () => {
    const { calls, next } = recordingNext();
    const step = dedupe(new SharedCalls<Answer>())(next);
    await Promise.all([1, 2].map(() => step(makeCall({ method: 'POST', path: '/orders', body: {} }))));
    expect(calls).toHaveLength(2);
  });
});
