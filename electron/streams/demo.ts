import { join } from 'node:path';
import type { DemoKind, DemoLoadResult, StreamImportResult } from '../../shared/api/streams.ts';
import { idleWorkContext, type WorkContext } from '../jobs/context.ts';
import { withConnection } from '../workspace/db.ts';
import { quoteIdent } from '../workspace/sqlText.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { defineStream } from './catalog.ts';
import { generateStreamDemo } from './generate/index.ts';
import { importStreamFile } from './importers.ts';

/** Imports a file of events of a demo kind into a table of the workspace. */
export function importEvents(ws: Workspace, kind: DemoKind, path: string, table?: string): Promise<StreamImportResult> {
  return withConnection(ws, (conn) => importStreamFile(conn, kind, path, table));
}

/** Generates a demo stream into the workspace's data folder, imports it and (unless told not to) defines its stream. */
export async function loadDemo(ws: Workspace, kind: DemoKind, ctx: WorkContext = idleWorkContext(), define = true): Promise<DemoLoadResult> {
  ctx.progress({ done: 0, total: 3, unit: 'steps', message: `generating the ${kind} demo` });
  const demo = await generateStreamDemo(kind, join(ws.dataDir, 'streams-demo'));
  ctx.progress({ done: 1, total: 3, unit: 'steps', message: `importing ${demo.lines.toLocaleString('en-US')} lines` });
  const table = demo.stream.sourceTable!;
  await ws.db.run(`DROP TABLE IF EXISTS ${quoteIdent(table)}`); // a demo reload replaces the demo, it does not double it
  const imported = await importEvents(ws, kind, demo.dataPath, table);
  ctx.progress({ done: 2, total: 3, unit: 'steps', message: 'defining the stream' });
  const stream = define ? await defineStream(ws, demo.stream) : undefined;
  ctx.progress({ done: 3, total: 3, unit: 'steps' });
  return { import: imported, suggested: demo.stream, ...(stream ? { stream } : {}), labelsPath: demo.labelsPath };
}
