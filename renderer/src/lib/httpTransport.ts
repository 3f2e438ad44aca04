import { ApiError, unwrap, type Envelope } from '../../../shared/api/envelope.ts';
import type { ApiClient, ApiEventName } from '../../../shared/api/index.ts';
import { decodeFrame } from '../../../shared/api/wire.ts';

const TOKEN_KEY = 'redzone-token';

/**
 * The per-launch token: the server puts it in index.html for holders of this instance's cookie (so a
 * new tab works); an older server passed it in the URL once, kept for this tab and dropped from the bar.
 */
function takeToken(): string {
  const fromPage = document.querySelector<HTMLMetaElement>('meta[name="redzone-token"]')?.content;
  if (fromPage) return fromPage;
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** Browser mode: POST /api/<method> with a JSON body, binary frame back; events over SSE. */
export function httpTransport(): ApiClient & { mode: 'http'; downloadHref(name: string): string } {
  const token = takeToken();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let source: EventSource | null = null;
  const ensureSource = (event: string) => {
    source ??= new EventSource('/api/events');
    if (!listeners.has(event)) {
      listeners.set(event, new Set());
      source.addEventListener(event, (e) => {
        const payload = JSON.parse((e as MessageEvent).data);
        for (const l of listeners.get(event) ?? []) l(payload);
      });
    }
  };
  return {
    mode: 'http',
    async call(method, request) {
      let response: Response;
      try {
        response = await fetch(`/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-redzone-token': token },
          body: JSON.stringify(request ?? {}),
        });
      } catch (e) {
        throw new ApiError('INTERNAL', `Redzone is not reachable (${(e as Error).message}); is \`npm run web\` still running?`);
      }
      if (response.status === 403) throw new ApiError('FORBIDDEN', await response.text());
      if (!response.ok) throw new ApiError('INTERNAL', `HTTP ${response.status}`);
      return unwrap(decodeFrame<Envelope<never>>(new Uint8Array(await response.arrayBuffer())));
    },
    on(event: ApiEventName, listener: (payload: never) => void) {
      ensureSource(event);
      const set = listeners.get(event)!;
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
    downloadHref: (name) => `/download/${encodeURIComponent(name)}`,
  } as ApiClient & { mode: 'http'; downloadHref(name: string): string };
}
