import type { Zone } from '../../../shared/api/investigate.ts';
import { intOption, numberOption, parseCommandArgs } from '../args.ts';
import { CliError, type Command } from '../command.ts';
import { cliClient, openAppFromFlag } from '../workspaceArg.ts';

export const zonesCommand: Command = {
  help: `Usage: npm run cli -- zones [--workspace FILE] list [--json]
       npm run cli -- zones [--workspace FILE] add --name NAME --x0 A --x1 B --y0 C --y1 D [--json]
       npm run cli -- zones [--workspace FILE] remove --id N [--json]
       npm run cli -- zones [--workspace FILE] suggest [--json]

Forbidden zones are rectangles in map units (bounds inclusive, corners in either order). Entering one
is a rule that flags a player; the evidence is recomputed on the next listing. A new workspace starts
with the lab's red zone (x 1000–1200, y 0–400); declare your game's own zones here. The subcommand may
stand before or after --workspace. suggest lists up to five zones the data suggests (as the Map's
rare-places layer does): broad patches of cells almost nobody visits where a few players dwell, best
first, each with its reason; patches inside a declared zone are left out. Accept one with zones add.
  --workspace FILE  workspace file (default: REDZONE_WORKSPACE, then the user-data workspace)
  --json            list: [{id, name, x0, x1, y0, y1}]; add: the zone; remove: {deleted};
                    suggest: [{x0, x1, y0, y1, cells, rows, players, neighbourPlayers, reason}]

Example: npm run cli -- zones --workspace game.duckdb add --name "Dragon's Keep" --x0 9000 --x1 10000 --y0 6200 --y1 7400`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      workspace: { type: 'string' },
      name: { type: 'string' },
      x0: { type: 'string' },
      x1: { type: 'string' },
      y0: { type: 'string' },
      y1: { type: 'string' },
      id: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [sub = 'list', ...extra] = positionals;
    if (extra.length) throw new CliError(`unexpected argument "${extra[0]}"`);
    if (!['list', 'add', 'remove', 'suggest'].includes(sub)) throw new CliError(`zones: the subcommand is list, add, remove or suggest, got "${sub}"`);
    const need = (v: string | undefined, name: string) => {
      if (v === undefined) throw new CliError(`zones add needs --${name}`);
      return numberOption(v, name, 0);
    };
    const app = await openAppFromFlag(values.workspace);
    const client = cliClient(app);
    try {
      if (sub === 'add') {
        if (!values.name) throw new CliError('zones add needs --name NAME');
        const zone = await client.call('investigate.saveZone', {
          name: values.name,
          x0: need(values.x0, 'x0'),
          x1: need(values.x1, 'x1'),
          y0: need(values.y0, 'y0'),
          y1: need(values.y1, 'y1'),
        });
        io.out(values.json ? JSON.stringify(zone) : `added zone ${zone.id}: ${describe(zone)}`);
      } else if (sub === 'remove') {
        if (values.id === undefined) throw new CliError('zones remove needs --id N');
        const id = intOption(values.id, 'id', 0, 1);
        const r = await client.call('investigate.deleteZone', { id });
        if (values.json) io.out(JSON.stringify(r));
        else io.out(r.deleted ? `removed zone ${id}` : `no zone ${id}`);
        if (!r.deleted) return 1;
      } else if (sub === 'suggest') {
        const { suggestions } = await client.call('map.rarePlaces', {});
        if (values.json) io.out(JSON.stringify(suggestions));
        else if (!suggestions.length) io.out('no suggested zones');
        else io.out(suggestions.map((s, i) => `${i + 1}. x ${s.x0}–${s.x1}, y ${s.y0}–${s.y1}: ${s.reason}`).join('\n'));
      } else {
        const zones = await client.call('investigate.zones', {});
        io.out(
          values.json
            ? JSON.stringify(zones)
            : zones.length
              ? zones.map((z) => `${String(z.id).padStart(3)}  ${describe(z)}`).join('\n')
              : 'no forbidden zones',
        );
      }
      return 0;
    } finally {
      await app.close();
    }
  },
};

const describe = (z: Zone) => `${z.name}: x ${z.x0}–${z.x1}, y ${z.y0}–${z.y1}`;
