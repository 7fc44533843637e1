export * from './build-prompt.js';
export * from './retry.js';
export * from './sections.js';
