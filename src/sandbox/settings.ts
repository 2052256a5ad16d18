/**
 * Which endpoints a provider adapter talks to: the real provider, or the built-in simulator
 * (src/sandbox/<slug>/) when the operator configured no credentials and SANDBOX is not false.
 *
 * - The browser-facing authorization URL is on the gateway's own origin:
 *   ${PUBLIC_URL}/sandbox/<slug>/... (proxied to the simulator by src/http/routes/sandbox.ts).
 * - Server-to-server calls (token, API) go straight to the simulator's loopback listener when this
 *   process runs it, else (e.g. `npm run worker` in another process) through PUBLIC_URL.
 *
 * A connection remembers whether it was made against the simulator (Connection.sandbox) and is
 * always synced from the same side: settings(config, { sandbox: connection.sandbox }).
 */
import { createHmac } from 'node:crypto';
import type { Config, ProviderCredentials } from '../config.js';

/** Built-in client credentials of a simulator (they only guard the simulated token endpoints). */
export const sandboxClient = (slug: string): ProviderCredentials => ({ clientId: `sandbox-${slug}-client`, clientSecret: `sandbox-${slug}-secret` });

/** Key of the simulators' self-verifying tokens (they survive a restart of the in-memory simulator). */
export const sandboxTokenSecret = (config: Config) => `whg-sandbox-tokens-${config.sandbox.seed}`;

/** The secret webhook path segment of a simulator's deliveries (providers with ProviderDeclaration.webhookPathSecret). */
export const sandboxWebhookPathSecret = (config: Config, slug: string) =>
  createHmac('sha256', sandboxTokenSecret(config)).update(`webhook-path:${slug}`).digest('base64url').slice(0, 24);

/** Explicit choice (an existing connection's side) or, when absent, the side a new connection gets. */
export interface SettingsMode {
  sandbox: boolean;
}

export function usesSandbox(config: Config, credentials: ProviderCredentials | null, mode?: SettingsMode): boolean {
  if (mode) return mode.sandbox;
  return credentials === null && config.sandbox.enabled;
}

/** Loopback URLs of the simulators this process runs, keyed by PUBLIC_URL + slug. */
const internalUrls = new Map<string, string>();

export function registerSandboxEndpoint(config: Config, slug: string, internalUrl: string | null): void {
  const key = `${config.publicUrl} ${slug}`;
  if (internalUrl) internalUrls.set(key, internalUrl);
  else internalUrls.delete(key);
}

/** Public mount of a simulator: ${PUBLIC_URL}/sandbox/<slug>. */
export const sandboxPublicUrl = (config: Config, slug: string) => `${config.publicUrl}/sandbox/${slug}`;

/** Base URL for server-to-server calls to a simulator. */
export function sandboxServerUrl(config: Config, slug: string): string {
  return internalUrls.get(`${config.publicUrl} ${slug}`) ?? sandboxPublicUrl(config, slug);
}

/** The banner's sandbox line: whether the simulators are served, and why (a production start must not look like a demo). */
export function describeSandbox(config: Config, running: boolean): string {
  const { reason, seed } = config.sandbox;
  if (!running) {
    const why = reason === 'NODE_ENV=production' ? 'the default with NODE_ENV=production; SANDBOX=true turns it on' : reason;
    return `off (${why}): nothing is served under /sandbox/`;
  }
  const why = reason === 'SANDBOX=true' ? reason : 'the default without NODE_ENV=production; SANDBOX=false turns it off';
  return `ON (${why}): simulated providers at ${sandboxPublicUrl(config, '<provider>')} (generated data, seed ${seed})`;
}
