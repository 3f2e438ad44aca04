import { describe, expect, it } from 'vitest';
import { finishedWithin } from '../../../electron/jobs/deadline.ts';

describe('finishedWithin', () => {
  it('says whether the work beat the deadline, passes a rejection through, and leaves no timer behind', async () => {
    expect(await finishedWithin(Promise.resolve(1), 1000)).toBe(true);
    expect(await finishedWithin(new Promise(() => {}), 20)).toBe(false);
    await expect(finishedWithin(Promise.reject(new Error('boom')), 1000)).rejects.toThrow('boom');
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await finishedWithin(Promise.resolve(), 60_000);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  });
});
