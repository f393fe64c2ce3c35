import DataLoader from 'dataloader';
import { describe, expect, it } from 'vitest';
import { InFlightCalls } from '../../src/backends/in-flight.js';
import { LoaderBatchWindow, type BatchSchedule } from '../../src/graphql/loader-batch-window.js';

/**
 * The batch window with real DataLoaders and backend calls we settle by hand. Batches are
 * proven by recording what each batch function was given, as DataLoader's own tests do.
 */

/** A backend call that settles when the test says so. */
function pendingCall() {
  let settle!: () => void;
  const promise = new Promise<void>((resolve) => (settle = resolve));
  return { promise, settle };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A loader whose batches are recorded in `batches`, sending through `calls` like a client. */
function recordingLoader(calls: InFlightCalls, schedule: BatchSchedule, maxBatchSize = 100) {
  const batches: string[][] = [];
  const loader = new DataLoader<string, string>(
    async (keys) => {
      batches.push([...keys]);
      await calls.track(Promise.resolve());
      return keys.map((key) => `value of ${key}`);
    },
    { batchScheduleFn: schedule, maxBatchSize },
  );
  return { loader, batches };
}

describe('LoaderBatchWindow', () => {
  // A window far longer than any test: a batch sent before it ends was sent by the idle rule.
  const LONG = 60_000;

  it('with nothing in flight, sends at the end of the turn, not when the window ends', async () => {
    const calls = new InFlightCalls();
    const { loader, batches } = recordingLoader(calls, new LoaderBatchWindow(calls, LONG).schedule);
    const first = loader.load('1');
    await Promise.resolve();
    const second = loader.load('2');
    expect(await Promise.all([first, second])).toEqual(['value of 1', 'value of 2']);
    expect(batches).toEqual([['1', '2']]);
  });

  it('while a call is in flight, keeps the batch open for keys its answer brings', async () => {
    const calls = new InFlightCalls();
    const { loader, batches } = recordingLoader(calls, new LoaderBatchWindow(calls, LONG).schedule);
    const answer = pendingCall();
    const sibling = calls.track(answer.promise).then(() => loader.load('2'));
    const first = loader.load('1');
    await sleep(20);
    expect(batches).toEqual([]);
    answer.settle();
    expect(await Promise.all([first, sibling])).toEqual(['value of 1', 'value of 2']);
    expect(batches).toEqual([['1', '2']]);
  });

  it('waits for every call in flight, and sends as soon as the last has been answered', async () => {
    const calls = new InFlightCalls();
    const { loader, batches } = recordingLoader(calls, new LoaderBatchWindow(calls, LONG).schedule);
    const [a, b] = [pendingCall(), pendingCall()];
    const fromA = calls.track(a.promise).then(() => loader.load('a'));
    const fromB = calls.track(b.promise).then(() => loader.load('b'));
    a.settle();
    // a's answer has asked its key by now; b is still in flight, so the batch stays open.
    await sleep(10);
    expect(batches).toEqual([]);
    b.settle();
    await Promise.all([fromA, fromB]);
    expect(batches).toEqual([['a', 'b']]);
  });

  it('sends when the window ends even if a call is still in flight', async () => {
    const calls = new InFlightCalls();
    const { loader, batches } = recordingLoader(calls, new LoaderBatchWindow(calls, 15).schedule);
    const hung = pendingCall();
    void calls.track(hung.promise);
    expect(await loader.load('1')).toBe('value of 1');
    expect(batches).toEqual([['1']]);
    expect(calls.size).toBe(1);
    hung.settle();
  });

  it("sends every loader's batches together, so one level's backends are still asked in parallel", async () => {
    const calls = new InFlightCalls();
    const schedule = new LoaderBatchWindow(calls, LONG).schedule;
    const products = recordingLoader(calls, schedule, 2);
    const stock = recordingLoader(calls, schedule);
    const answer = pendingCall();
    const later = calls.track(answer.promise).then(() => Promise.all([products.loader.load('p3'), stock.loader.load('s2')]));
    const now = Promise.all([products.loader.loadMany(['p1', 'p2']), stock.loader.load('s1')]);
    await nextTurn();
    expect([products.batches, stock.batches]).toEqual([[], []]);
    answer.settle();
    await Promise.all([now, later]);
    // p1, p2 filled a batch at the bulk limit of 2; p3 opened the next; both waited and went out.
    expect(products.batches).toEqual([['p1', 'p2'], ['p3']]);
    expect(stock.batches).toEqual([['s1', 's2']]);
  });

  it('a failed call counts as settled, and its rejection stays with its caller', async () => {
    const calls = new InFlightCalls();
    const { loader, batches } = recordingLoader(calls, new LoaderBatchWindow(calls, LONG).schedule);
    const failing = calls.track(Promise.reject(new Error('backend down')));
    const value = loader.load('1');
    await expect(failing).rejects.toThrow('backend down');
    expect(await value).toBe('value of 1');
    expect(batches).toEqual([['1']]);
    expect(calls.size).toBe(0);
  });
});
