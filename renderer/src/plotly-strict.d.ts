// The CSP-safe ("strict") build of plotly.js: same API as the dist-min bundle, with WebGL shaders
// precompiled so scattergl runs without eval. It ships no types of its own.
declare module 'plotly.js-strict-dist-min' {
  export * from 'plotly.js-dist-min';
}
