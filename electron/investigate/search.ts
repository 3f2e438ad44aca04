import type { FlaggedPlayer } from '../../shared/api/investigate.ts';

/**
 * The flagged table's search box. A number is a player id and matches exactly ("29" finds player 29,
 * not 129 or 290); "29*" asks for the ids starting with 29. Anything else is a case-insensitive
 * substring of the id, class, source, verdict, note or a reason.
 */
export function playerMatcher(search: string | undefined): ((p: FlaggedPlayer) => boolean) | null {
  const s = search?.trim().toLowerCase();
  if (!s) return null;
  if (/^\d+$/.test(s)) return (p) => String(p.pidx) === s;
  const prefix = /^(\d+)\*$/.exec(s)?.[1];
  if (prefix !== undefined) return (p) => String(p.pidx).startsWith(prefix);
  return (p) => [String(p.pidx), p.uclass ?? '', p.flaggedBy, p.verdict ?? '', p.note ?? '', ...p.reasons].some((t) => t.toLowerCase().includes(s));
}
