import type { FlaggedBy, PlayerVerdict } from '../../../../shared/api/investigate.ts';
import { viewState } from '../../lib/viewState.svelte.ts';

/** The flagged-players table's order, search and filters, kept across tab switches (the open player is in navigation). */
export const anomaliesState = viewState(() => ({
  sort: 'rank',
  desc: false,
  search: '',
  flaggedBy: 'any' as FlaggedBy | 'any',
  verdict: 'any' as PlayerVerdict | 'none' | 'any',
}));
