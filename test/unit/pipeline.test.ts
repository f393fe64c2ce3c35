import { describe, expect, it } from 'vitest';
import { compose, type Step } from '../../src/backends/pipeline.js';
import { answer, makeCall } from './steps/helpers.js';

describe('compose', () => {
  it('runs the steps outside in, skipping those left out, and unwinds inside out', async () => {
    const trail: string[] = [];
    const step =
      (name: string): Step =>
      (next) =>
      async (call) => {
        trail.push(`> ${name}`);
        const result = await next(call);
        trail.push(`< ${name}`);
        return result;
      };
    const handler = compose([step('a'), undefined, step('b')], async () => {
      trail.push('transport');
      return answer('v');
    });
    expect(await handler(makeCall())).toEqual(answer('v'));
    expect(trail).toEqual(['> a', '> b', 'transport', '< b', '< a']);
  });
});
