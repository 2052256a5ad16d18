/**
 * The pages a browser sees on the gateway itself: `/` (what this server is and where its APIs
 * are) and `/connected`, the default `redirectUri` of `connectProvider`, where the OAuth callback
 * sends the user back: "Connected Polar — you can close this tab", or what went wrong.
 */
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../../config.js';
import { providerBySlug } from '../../providers/registry.js';

/** The path of the page `connectProvider` redirects to when no redirectUri is given. */
export const CONNECTED_PATH = '/connected';
export const defaultRedirectUri = (config: Config) => `${config.publicUrl.replace(/\/+$/, '')}${CONNECTED_PATH}`;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status: number, title: string, body: string): Response {
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escape(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}` +
    `h1{font-size:1.5rem}code{background:#f3f3f3;padding:0 .2rem}.error{color:#a00}</style></head><body>${body}</body></html>`;
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } });
}

/** What a provider's error code means to the person who just clicked. */
const REASONS: Record<string, string> = {
  access_denied: 'access was not granted at the provider',
  invalid_state: 'the link expired or was already used; start connecting again',
  registration_failed: 'the provider accepted, but registering the user there failed',
};

function connectedPage(url: URL): Response {
  const slug = url.searchParams.get('provider') ?? '';
  const provider = providerBySlug(slug)?.displayName ?? 'the provider';
  const status = url.searchParams.get('status');
  if (status === 'connected') {
    return page(200, `Connected ${provider}`, `<h1>Connected ${escape(provider)} — you can close this tab</h1><p>The first sync has started; its data appears in the API as it arrives.</p>`);
  }
  if (status === 'error') {
    const reason = (url.searchParams.get('reason') ?? 'unknown').slice(0, 64);
    const meaning = REASONS[reason];
    return page(
      200,
      `Connecting ${provider} failed`,
      `<h1 class="error">Connecting ${escape(provider)} failed</h1><p>Reason: <code>${escape(reason)}</code>${meaning ? ` (${escape(meaning)})` : ''}.</p><p>You can close this tab and try again from the app.</p>`,
    );
  }
  return page(200, 'Provider connection', '<h1>Provider connection</h1><p>This page shows the result of connecting a provider. Nothing to do here; you can close this tab.</p>');
}

function homePage(config: Config): Response {
  const base = config.publicUrl.replace(/\/+$/, '');
  return page(
    200,
    'Wearable health graph',
    `<h1>Wearable health graph</h1><p>This server is running.</p><ul>` +
      `<li>GraphQL (and GraphiQL in a browser): <a href="/graphql"><code>${escape(base)}/graphql</code></a></li>` +
      `<li>MCP (Streamable HTTP): <code>${escape(base)}/mcp</code></li>` +
      `<li>Health check: <a href="/health"><code>${escape(base)}/health</code></a></li></ul>` +
      '<p>Every API request needs <code>Authorization: Bearer &lt;API key or user token&gt;</code>.</p>',
  );
}

export function useLandingPages(config: Config): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/') return endResponse(homePage(config));
      if (url.pathname === CONNECTED_PATH) return endResponse(connectedPage(url));
    },
  };
}
