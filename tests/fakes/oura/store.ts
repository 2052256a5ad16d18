/** Moved to src/sandbox/oura/ (the sandbox simulator); this re-export keeps test imports working. */
export * from '../../../src/sandbox/oura/store.js';
