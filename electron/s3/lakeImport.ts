import { ApiError } from '../../shared/api/envelope.ts';
import type { Workspace } from '../workspace/workspace.ts';
import type { Importer } from './sync.ts';

/** The sync's bridge to the lake import pipeline (electron/lake/import.ts). */
export function lakeImporter(_ws: Workspace): Importer {
  return async () => {
    throw new ApiError('INTERNAL', 'the lake import pipeline is not available in this build yet');
  };
}
