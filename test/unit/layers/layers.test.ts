import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script shared with `npm run lint:layers`, no type declarations
import { brokenRules, checkLayers, readSources } from '../../../scripts/layers.mjs';

interface Violation {
  file: string;
  spec: string;
  rule: string;
}
const check = (files: Record<string, string>): Violation[] => checkLayers(new Map(Object.entries(files)));

describe('the layering check', () => {
  it('finds no upward import in the tree', () => {
    const violations: Violation[] = checkLayers(readSources(join(import.meta.dirname, '../../..')));
    expect(violations.map((v) => `${v.file}: ${v.spec}: ${v.rule}`)).toEqual([]);
  });

  it('fails on deliberate upward imports', () => {
    const violations = check({
      'electron/lake/import.ts': "import { router } from '../api/router.ts';\nimport { args } from '../cli/args.ts';",
      'electron/jobs/runner.ts': "import { importPath } from '../lake/import.ts';",
      'electron/workspace/db.ts': "import { scoreRun } from '../scoring/service.ts';",
      'electron/rcf/forest.ts': "import { readFile } from 'node:fs';",
      'electron/scoring/pool.ts': "import { buildForest } from '../rcf/forest.ts';",
      'electron/s3/sync.ts': "import { startS3rver } from '../../test/integration/s3/s3server.ts';\nimport { app } from 'electron';",
      'electron/bench/rcf.ts': "import { scoreCommand } from '../cli/commands/score.ts';",
      'electron/streams/service.ts': "import bindings from '@duckdb/node-bindings';",
      'shared/api/index.ts': "import { x } from '../../electron/lake/import.ts';",
      'renderer/src/App.svelte': "<script>import { x } from '../../electron/api/app.ts';</script>",
    });
    expect(violations.map((v) => `${v.file} → ${v.spec}`)).toEqual([
      'electron/lake/import.ts → ../api/router.ts',
      'electron/lake/import.ts → ../cli/args.ts',
      'electron/jobs/runner.ts → ../lake/import.ts',
      'electron/jobs/runner.ts → ../lake/import.ts',
      'electron/workspace/db.ts → ../scoring/service.ts',
      'electron/rcf/forest.ts → node:fs',
      'electron/scoring/pool.ts → ../rcf/forest.ts',
      'electron/s3/sync.ts → ../../test/integration/s3/s3server.ts',
      'electron/s3/sync.ts → electron',
      'electron/bench/rcf.ts → ../cli/commands/score.ts',
      'electron/streams/service.ts → @duckdb/node-bindings',
      'shared/api/index.ts → ../../electron/lake/import.ts',
      'renderer/src/App.svelte → ../../electron/api/app.ts',
    ]);
  });

  it('lets arrows point down', () => {
    expect(
      check({
        'electron/cli/commands/score.ts': "import { inProcessClient } from '../../api/client.ts';\nimport { Rng } from '../../rcf/index.ts';",
        'electron/lake/import.ts': "import { throwIfCancelled } from '../jobs/context.ts';\nimport { withConnection } from '../workspace/db.ts';",
        'electron/main/index.ts': "import { app } from 'electron';\nimport { createApp } from '../api/app.ts';",
        'electron/workspace/columns.ts': "import duckdb from '@duckdb/node-bindings';",
        'test/integration/x.test.ts': "import { a } from '../../electron/cli/args.ts';",
      }),
    ).toEqual([]);
    expect(brokenRules('electron/scoring/live.ts', '../investigate/playerForest.ts')).toEqual([]);
  });
});
