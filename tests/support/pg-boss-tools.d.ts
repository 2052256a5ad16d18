/** pg-boss's internal timer helper (no types of its own); patched by pg-boss-timers.ts. */
declare module 'pg-boss/src/tools.js' {
  const tools: { delay: unknown };
  export default tools;
}
