import type { Plugin } from 'graphql-yoga';
import type { ConnectionService } from '../../connections/service.js';
import type { Config } from '../../config.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Logger } from '../../logger.js';
import { consumeState, exchangeCode, OAuthFlowError } from '../../oauth/flow.js';
import { providerBySlug } from '../../providers/registry.js';
import type { TokenCipher } from '../../security/crypto.js';

export interface OAuthCallbackDeps {
  prisma: PrismaClient;
  config: Config;
  cipher: TokenCipher;
  connections: ConnectionService;
  logger: Logger;
}

const CALLBACK_PATH = /^\/oauth\/([a-z0-9-]+)\/callback$/;

function errorPage(status: number, message: string): Response {
  const body = `<!doctype html><meta charset="utf-8"><title>Connection failed</title><h1>Connection failed</h1><p>${message.replace(/[<>&"]/g, '')}</p>`;
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

function redirectTo(redirectUri: string, params: Record<string, string>): Response {
  const target = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  return new Response(null, { status: 302, headers: { location: target.toString() } });
}

const toGlobalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

/**
 * GET /oauth/<provider>/callback: consumes the state, exchanges the code, stores the tokens,
 * registers the user at the provider, starts the backfill, and sends the browser back to the
 * redirectUri given at connectProvider with status=connected or status=error&reason=....
 */
export function useOAuthCallback(deps: OAuthCallbackDeps): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const match = CALLBACK_PATH.exec(url.pathname);
      if (!match || request.method !== 'GET') return;
      const adapter = providerBySlug(match[1]);
      if (!adapter) return endResponse(errorPage(404, `Unknown provider "${match[1]}".`));
      const state = url.searchParams.get('state');
      let pending;
      try {
        pending = await consumeState(deps, adapter, state);
      } catch (error) {
        const message = error instanceof OAuthFlowError ? error.message : 'The authorization could not be verified.';
        deps.logger.warn('oauth callback rejected', { provider: adapter.id, reason: error instanceof OAuthFlowError ? error.reason : 'unknown' });
        return endResponse(errorPage(400, message));
      }
      const providerError = url.searchParams.get('error');
      if (providerError) {
        deps.logger.info('authorization declined at the provider', { provider: adapter.id, error: providerError });
        return endResponse(redirectTo(pending.redirectUri, { status: 'error', reason: providerError.slice(0, 64), provider: adapter.slug }));
      }
      try {
        const tokens = await exchangeCode(deps.config, adapter, url, pending, state!);
        const connection = await deps.connections.completeConnection(adapter, pending.userId, tokens);
        return endResponse(
          redirectTo(pending.redirectUri, { status: 'connected', provider: adapter.slug, connectionId: toGlobalId('Connection', connection.id) }),
        );
      } catch (error) {
        const reason = error instanceof OAuthFlowError ? error.reason : 'registration_failed';
        deps.logger.warn('connecting failed', { provider: adapter.id, reason, error });
        return endResponse(redirectTo(pending.redirectUri, { status: 'error', reason, provider: adapter.slug }));
      }
    },
  };
}
