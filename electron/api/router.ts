import { ApiError, type Envelope } from '../../shared/api/envelope.ts';
import type { Api, ApiMethod, ApiRequest, ApiResponse } from '../../shared/api/index.ts';

export type Handler<M extends ApiMethod> = (request: ApiRequest<M>) => Promise<ApiResponse<M>> | ApiResponse<M>;
/** Handlers for a slice of the contract, e.g. HandlersFor<SqlApi>. */
export type HandlersFor<A> = { [M in keyof A & ApiMethod]: Handler<M> };
export type Handlers = HandlersFor<Api>;

export interface Router {
  /** Never throws: every outcome is an envelope, whatever the transport. */
  call(method: string, request: unknown): Promise<Envelope<unknown>>;
  methods(): string[];
}

export function toErrorBody(e: unknown) {
  if (e instanceof ApiError) return e.toBody();
  return { code: 'INTERNAL' as const, message: (e as Error)?.message ?? String(e) };
}

/**
 * Fields that are numbers in every method that takes them (paging, players, files). Checked here for
 * all methods, so a handler that passes its request on whole cannot put "10" into SQL as LIMIT NaN.
 */
const NUMERIC_FIELDS = ['limit', 'offset', 'pidx', 'fileId', 'bins', 'maxKeys', 'firstPage'];

/** The one router behind Electron IPC, browser mode's HTTP and the tests. */
export function createRouter(handlers: Handlers, log: (line: string) => void = () => {}): Router {
  const table = handlers as unknown as Record<string, (req: unknown) => unknown>;
  return {
    methods: () => Object.keys(table).sort(),
    async call(method, request) {
      if (typeof method !== 'string' || !Object.hasOwn(table, method)) {
        return { ok: false, error: { code: 'BAD_REQUEST', message: `unknown method "${String(method)}"` } };
      }
      const req = request ?? {};
      if (typeof req !== 'object' || Array.isArray(req)) {
        return { ok: false, error: { code: 'BAD_REQUEST', message: `${method}: the request must be an object` } };
      }
      const wrong = NUMERIC_FIELDS.find(
        (f) => f in req && (req as Record<string, unknown>)[f] !== undefined && !Number.isFinite((req as Record<string, unknown>)[f]),
      );
      if (wrong) return { ok: false, error: { code: 'BAD_REQUEST', message: `${method}: "${wrong}" must be a number` } };
      try {
        return { ok: true, value: await table[method](req) };
      } catch (e) {
        if (!(e instanceof ApiError)) log(`${method} failed: ${(e as Error)?.stack ?? e}`);
        return { ok: false, error: toErrorBody(e) };
      }
    },
  };
}
