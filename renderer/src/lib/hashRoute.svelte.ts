import { selectedPlayer, selectedStream, view } from './navigation.svelte.ts';
import { formatRoute, parseRoute, type Route } from './route.ts';

function apply(r: Route | null): void {
  if (!r) return;
  view.current = r.view;
  if (r.view === 'anomalies') selectedPlayer.pidx = r.player;
  if (r.view === 'streams' && r.stream) selectedStream.name = r.stream;
}

/**
 * Keeps the URL hash and the app's place in step (call while App initialises): the hash at load picks
 * the view, player and stream, so a reload or a second tab lands there; back and forward move between
 * places. Moving from player to player (J/K) or the first stream shown replaces the entry rather than
 * adding one per step.
 */
export function syncHash(): void {
  apply(parseRoute(location.hash));
  let last = parseRoute(location.hash);
  $effect(() => {
    const now: Route = { view: view.current, player: selectedPlayer.pidx, stream: selectedStream.name };
    const hash = formatRoute(now);
    if (hash === location.hash) return;
    const minor =
      last !== null && last.view === now.view && ((last.player !== null && now.player !== null) || (now.view === 'streams' && last.stream === null));
    history[minor || last === null ? 'replaceState' : 'pushState'](history.state, '', hash);
    last = now;
  });
  $effect(() => {
    const onPop = () => {
      last = parseRoute(location.hash);
      apply(last);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  });
}
