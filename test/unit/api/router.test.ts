import { describe, expect, it } from 'vitest';
import { ApiError, unwrap } from '../../../shared/api/envelope.ts';
import { createRouter, type Handlers } from '../../../electron/api/router.ts';

function router(overrides: Partial<Record<string, (req: never) => unknown>>) {
  return createRouter(overrides as unknown as Handlers);
}

describe('router and the error envelope', () => {
  it('wraps a value in {ok:true}', async () => {
    const r = router({ 'jobs.list': () => [{ id: 'a' }] });
    expect(await r.call('jobs.list', {})).toEqual({ ok: true, value: [{ id: 'a' }] });
  });

  it('keeps an ApiError code, message and details across the boundary', async () => {
    const r = router({
      'jobs.get': () => {
        throw new ApiError('NOT_FOUND', 'no job x', { id: 'x' });
      },
    });
    const env = await r.call('jobs.get', { id: 'x' });
    expect(env).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'no job x', details: { id: 'x' } } });
    // A client turns the envelope back into the same error.
    expect(() => unwrap(env)).toThrowError(expect.objectContaining({ code: 'NOT_FOUND', message: 'no job x' }));
  });

  it('maps an unexpected exception to INTERNAL and logs it', async () => {
    const lines: string[] = [];
    const r = createRouter({ 'jobs.list': () => Promise.reject(new TypeError('boom')) } as unknown as Handlers, (l) => lines.push(l));
    expect(await r.call('jobs.list', {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
    expect(lines[0]).toContain('jobs.list failed');
  });

  it('refuses unknown methods, prototype keys and non-object requests', async () => {
    const r = router({ 'jobs.list': () => [] });
    expect(await r.call('nope', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await r.call('toString', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await r.call('jobs.list', [1, 2])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await r.call('jobs.list', 'x')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('an unknown error code from the wire becomes INTERNAL', () => {
    expect(ApiError.fromBody({ code: 'WHAT' as never, message: 'm' }).code).toBe('INTERNAL');
  });
});
