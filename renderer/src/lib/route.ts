import type { ViewName } from './navigation.svelte.ts';

/** Where the app is, as the URL hash names it: #/sql, #/anomalies/player/237, #/streams/toll. */
export interface Route {
  view: ViewName;
  player: number | null;
  stream: string | null;
}

const VIEWS: readonly ViewName[] = ['sources', 'sql', 'map', 'anomalies', 'streams'];

export function formatRoute(r: Route): string {
  if (r.view === 'anomalies' && r.player !== null) return `#/anomalies/player/${r.player}`;
  if (r.view === 'streams' && r.stream) return `#/streams/${encodeURIComponent(r.stream)}`;
  return `#/${r.view}`;
}

/** The route a hash names; null for an empty or unknown one (the app then stays where it is). */
export function parseRoute(hash: string): Route | null {
  const [name, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const view = VIEWS.find((v) => v === name);
  if (!view) return null;
  const player = view === 'anomalies' && rest[0] === 'player' && /^\d+$/.test(rest[1] ?? '') ? Number(rest[1]) : null;
  let stream: string | null = null;
  try {
    stream = view === 'streams' && rest.length ? decodeURIComponent(rest.join('/')) || null : null;
  } catch {
    stream = null; // a malformed escape names no stream
  }
  return { view, player, stream };
}
