import { describe, expect, it, vi } from 'vitest';
import { BackendError } from '../../../src/backends/errors.js';
import type { CallObserver } from '../../../src/backends/events.js';
import { reported } from '../../../src/backends/steps/reported.js';
import { RecordedEvents, answer, makeCall, recordingNext, settle, silent } from './helpers.js';

function observer() {
  const events = new RecordedEvents();
  const begin = vi.fn(() => events);
  return { events, begin, observer: { begin, circuit() {} } satisfies CallObserver };
}

describe('reported step', () => {
  it('begins one observation per call, with its ids, and passes it down the line', async () => {
    const o = observer();
    const { calls, next } = recordingNext(() => answer('v', true));
    await reported({ observer: o.observer, logger: silent })(next)(makeCall({ path: '/stock', query: { productIds: ['1', '2', '3'] } }));
    expect(o.begin).toHaveBeenCalledWith(expect.objectContaining({ requestId: 'test' }), expect.objectContaining({ path: '/stock' }), 3);
    expect(calls[0]!.events).toBe(o.events);
    expect(o.events.log).toEqual(['ok (cached)']);
  });

  it('a failure is reported and logged (warn for the backend, debug for a client who left), then rethrown', async () => {
    const o = observer();
    const warn = vi.spyOn(silent, 'warn');
    const debug = vi.spyOn(silent, 'debug');
    const step = (error: unknown) => reported({ observer: o.observer, logger: silent })(() => Promise.reject(error));
    const down = new BackendError('catalog', 'BACKEND_UNAVAILABLE', 'down');
    expect((await settle(step(down)(makeCall()))).error).toBe(down);
    await settle(step(new Error('hung up'))(makeCall()));
    expect(o.events.log).toEqual(['failed BACKEND_UNAVAILABLE', 'failed ABORTED']);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ code: 'BACKEND_UNAVAILABLE', reqId: 'test' }), 'backend call failed');
    expect(debug).toHaveBeenCalledWith(expect.objectContaining({ code: 'ABORTED' }), 'backend call abandoned: the caller left');
  });
});
