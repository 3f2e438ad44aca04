import { unwrap } from '../../shared/api/envelope.ts';
import type { ApiClient } from '../../shared/api/index.ts';
import type { App } from './app.ts';

/**
 * The typed in-process client over the router, for the CLI, benches and tests: the same calls and
 * events the renderer makes through IPC or HTTP, checked at compile time. An error envelope is thrown
 * as the ApiError it carries.
 */
export function inProcessClient(app: App): ApiClient {
  return {
    async call(method, request) {
      return unwrap(await app.router.call(method, request)) as never;
    },
    on(event, listener) {
      return app.services.events.subscribe((name, payload) => {
        if ((name as string) === event) listener(payload as never);
      });
    },
  };
}
