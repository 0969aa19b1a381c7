export * from './types.js';
export * from './compose.js';
