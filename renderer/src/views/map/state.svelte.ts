import { viewState } from '../../lib/viewState.svelte.ts';

/** The Map's viewport and filters (UTC datetime-local strings, class, level band, minimum score), kept across tab switches. */
export const mapState = viewState(() => ({
  view: null as { x0: number; x1: number; y0: number; y1: number } | null,
  from: '',
  to: '',
  uclass: '',
  levelMin: '',
  levelMax: '',
  minScore: '',
}));
