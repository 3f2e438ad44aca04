// electron-builder's configuration lives with the other security decisions in electron/main/security.ts
// (tested there as data); this file only hands it over.
import { register } from 'tsx/esm/api';
register();
const { builderConfig } = await import('./electron/main/security.ts');
export default builderConfig();
