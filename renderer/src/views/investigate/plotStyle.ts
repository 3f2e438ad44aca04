/** Verdict names and colours and the scatter trace type, in a plain module so pure trace builders (and their unit tests) can use them. */

export const VERDICT_LABEL: Record<string, string> = { ban: 'Ban', false_positive: 'False positive', review: 'Needs review' };
export const VERDICT_COLOR: Record<string, string> = { ban: '#ff4d4f', false_positive: '#8b95a3', review: '#e0a43b' };

/**
 * Scatter layers draw with WebGL (plotly's strict bundle precompiles its shaders, so no eval is needed
 * under the app's CSP).
 */
export const SCATTER = 'scattergl';
