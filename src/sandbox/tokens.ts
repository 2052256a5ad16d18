/**
 * Sandbox-mode helpers shared by the Polar and Oura simulators.
 *
 * The simulators keep their state in memory. So that a sandbox connection keeps syncing after the
 * gateway restarts, sandbox tokens are self-verifying: `sbx.<providerUserId>.<nonce>.<mac>`, the mac
 * an HMAC of the rest under the simulator's token secret. An unknown token that verifies is taken
 * back into the (fresh) store as if it had never been forgotten.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SandboxMode {
  /** Key of the self-verifying tokens (any string; the gateway derives it from SANDBOX_SEED). */
  tokenSecret: string;
  /**
   * The one URL webhook registrations may name (the gateway's own ${PUBLIC_URL}/webhooks/<slug>).
   * The simulators' client credentials are public, so any other address would let anyone make the
   * gateway's process send requests where they like (and learn whether it answered).
   */
  webhookUrl?: string;
}

/** Whether a simulator may call `url` back (ping, challenge, deliveries): in sandbox mode only the deployment's own webhook URL. */
export function callbackAllowed(sandbox: SandboxMode | null | undefined, url: string): boolean {
  return !sandbox?.webhookUrl || url === sandbox.webhookUrl;
}

const mac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url').slice(0, 32);

export function issueSandboxToken(mode: SandboxMode, providerUserId: string | number, kind: 'a' | 'r' = 'a'): string {
  const body = `sbx${kind}.${providerUserId}.${randomBytes(9).toString('base64url')}`;
  return `${body}.${mac(mode.tokenSecret, body)}`;
}

/** The provider user id a sandbox token was issued to, or null when it is not one (or forged). */
export function verifySandboxToken(mode: SandboxMode, token: string, kind: 'a' | 'r' = 'a'): string | null {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== `sbx${kind}`) return null;
  const body = parts.slice(0, 3).join('.');
  const expected = Buffer.from(mac(mode.tokenSecret, body));
  const given = Buffer.from(parts[3]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return parts[1];
}

/** A stable number in [0, 2^32) for a login hint (the gateway user id): the same user gets the same simulated account. */
export function hintNumber(hint: string): number {
  return createHash('sha256').update(hint).digest().readUInt32BE(0);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The consent page's "Deny" posts its own query with deny=1: the simulator answers error=access_denied. */
export const consentDenied = (query: URLSearchParams) => query.get('deny') === '1' || query.get('deny') === 'true';

/**
 * The simulator's consent page: a real page with an "Allow" and a "Deny" button, posting back to
 * the same URL (the authorization request's query string included; Deny adds deny=1), which then
 * redirects to the callback with a code, or with error=access_denied.
 */
export function consentPage(options: { provider: string; scopes: string[]; redirectUri: string | null; color: string; query: URLSearchParams }): string {
  const scopes = options.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  const target = options.redirectUri ? `<p class="small">You will be sent back to <code>${escapeHtml(options.redirectUri)}</code>.</p>` : '';
  const denied = new URLSearchParams(options.query);
  denied.set('deny', '1');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(options.provider)} sandbox: allow access</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:12px;box-shadow:0 2px 12px #0002;padding:2rem 2.5rem;max-width:28rem}
h1{font-size:1.3rem;margin:0 0 .5rem}.badge{display:inline-block;background:#ffe9a8;color:#6b4e00;border-radius:4px;padding:.1rem .5rem;font-size:.8rem;margin-bottom:1rem}
button{background:${options.color};color:#fff;border:0;border-radius:6px;padding:.7rem 2rem;font-size:1rem;cursor:pointer}.small{color:#666;font-size:.85rem}
.buttons{display:flex;gap:1rem}button.deny{background:#fff;color:#333;border:1px solid #999}
</style></head>
<body><main>
<span class="badge">SANDBOX: simulated ${escapeHtml(options.provider)}, no real account, generated data</span>
<h1>Allow the Wearable health graph to read your ${escapeHtml(options.provider)} data?</h1>
<p>It asks for:</p><ul>${scopes}</ul>
${target}
<div class="buttons">
<form method="post"><input type="hidden" name="decision" value="allow"><button type="submit" id="allow">Allow</button></form>
<form method="post" action="?${escapeHtml(denied.toString())}"><input type="hidden" name="decision" value="deny"><button type="submit" id="deny" class="deny">Deny</button></form>
</div>
<p class="small">Deny sends you back with <code>error=access_denied</code>, as the real provider does.</p>
</main></body></html>`;
}
