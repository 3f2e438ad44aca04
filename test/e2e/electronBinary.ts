import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ElectronBinary = { path: string } | { missing: string };

/**
 * Where `npm ci` put the Electron binary under `root`, or why there is none: the electron package's
 * postinstall downloads it and records its name in path.txt (no network, or --ignore-scripts, and it
 * never arrives).
 */
export function findElectronBinary(root: string): ElectronBinary {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { missing: 'the electron package is not installed' };
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { missing: 'node_modules/electron has no binary (its postinstall download never ran: no path.txt)' };
  const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(bin)) return { missing: `the Electron binary ${bin} named by path.txt is absent` };
  return { path: bin };
}
