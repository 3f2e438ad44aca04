import type { MapApi } from '../../../shared/api/map.ts';
import { rarePlaces } from '../../map/rarePlaces.ts';
import { density, mapExtent, overlay, selectPlayers } from '../../map/queries.ts';
import type { HandlersFor } from '../router.ts';
import type { AppServices } from '../services.ts';
import { optionalCutoff, optionalRun } from './runArgs.ts';

export function mapHandlers(s: AppServices): HandlersFor<MapApi> {
  return {
    'map.extent': () => mapExtent(s.ws),
    'map.density': (r) => density(s.ws, r, () => s.mapCache.usable()),
    'map.overlay': (r) => overlay(s.ws, { ...r, ...optionalRun(r.runId), ...optionalCutoff(r.cutoff) }),
    'map.select': (r) => selectPlayers(s.ws, { ...r, ...optionalRun(r.runId), ...optionalCutoff(r.cutoff) }),
    'map.cacheStatus': () => s.mapCache.status(),
    'map.rarePlaces': () => rarePlaces(s.ws),
    'map.buildCache': () => s.mapCache.build(),
  };
}
