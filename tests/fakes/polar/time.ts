/** Moved to src/sandbox/polar/ (the sandbox simulator); this re-export keeps test imports working. */
export * from '../../../src/sandbox/polar/time.js';
