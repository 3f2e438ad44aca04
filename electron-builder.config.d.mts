// Types for electron-builder.config.mjs (its value is builderConfig() from electron/main/security.ts).
declare const config: ReturnType<typeof import('./electron/main/security.ts').builderConfig>;
export default config;
