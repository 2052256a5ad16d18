/**
 * /mcp: the MCP server over Streamable HTTP on the gateway's own listener, stateless (any replica
 * answers any request; the SDK serves 2026-07-28 clients and, through its stateless fallback, the
 * 2025 revisions). Before a request reaches the SDK:
 *
 * 1. DNS-rebinding protection: Host (and Origin, when a browser sends one) must name one of
 *    MCP_ALLOWED_HOSTS;
 * 2. bearer auth with the same credentials as GraphQL (API keys and user tokens, one principal
 *    resolver, and the same user boundary below the tools): 401 with `WWW-Authenticate: Bearer
 *    resource_metadata=...` pointing at the RFC 9728 protected-resource metadata served here;
 * 3. the same rate limits as GraphQL (the same buckets: per API key, per user for user tokens), a body limit, and GraphQL's
 *    request timeout.
 */
import { createMcpHandler, hostHeaderValidationResponse, originValidationResponse, type AuthInfo } from '@modelcontextprotocol/server';
import type { Plugin } from 'graphql-yoga';
import { can } from '../auth/principal.js';
import { bearerToken } from '../http/use-principal-auth.js';
import type { PrincipalRateLimits } from '../http/use-rate-limit.js';
import type { Logger } from '../logger.js';
import type { McpDeps, McpPrincipal } from './context.js';
import { buildMcpServer } from './server.js';

export const MCP_PATH = '/mcp';
const METADATA_PATH = '/.well-known/oauth-protected-resource';

export interface McpEndpointOptions extends McpDeps {
  logger: Logger;
  /** GraphQL's limits: one bucket per API key (per user for user tokens) across both APIs. */
  rateLimits: PrincipalRateLimits;
}

const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export function useMcpEndpoint(options: McpEndpointOptions): Plugin {
  const { config } = options.services;
  const resource = `${config.publicUrl.replace(/\/$/, '')}${MCP_PATH}`;
  const metadataUrl = `${config.publicUrl.replace(/\/$/, '')}${METADATA_PATH}${MCP_PATH}`;
  const metadata = {
    resource,
    resource_name: 'Wearable health graph (MCP)',
    bearer_methods_supported: ['header'],
    scopes_supported: ['read'],
    resource_documentation: 'https://github.com/ (README, section "MCP server")',
  };
  const challenge = (error?: string) => ({ 'WWW-Authenticate': `Bearer resource_metadata="${metadataUrl}"${error ? `, error="${error}"` : ''}` });
  const timeoutMs = config.graphql.requestTimeoutSeconds * 1000;

  const handler = createMcpHandler(
    ({ authInfo }) => buildMcpServer(options, (authInfo?.extra as { principal: McpPrincipal }).principal),
    { maxRequestBodySize: config.mcp.maxRequestBytes, onerror: (error) => options.logger.debug('mcp request rejected', { error: error.message }) },
  );

  async function serve(request: Request): Promise<Response> {
    const rejected = hostHeaderValidationResponse(request, config.mcp.allowedHosts) ?? originValidationResponse(request, config.mcp.allowedHosts);
    if (rejected) return rejected;
    const token = bearerToken(request);
    const resolution = await options.services.principals.resolve(token);
    if (!('principal' in resolution)) {
      const description = resolution.failure === 'missing' || resolution.failure === 'unknown-key' ? 'Send a valid API key or user token as "Authorization: Bearer <credential>".' : `The user token is ${resolution.failure === 'unknown-user' ? 'for no user of this gateway' : resolution.failure}.`;
      return jsonResponse(401, { error: 'invalid_token', error_description: description }, challenge(token ? 'invalid_token' : undefined));
    }
    const principal = resolution.principal;
    if (!can(principal, 'read')) return jsonResponse(403, { error: 'insufficient_scope', error_description: 'This credential may not read (API key scope READ, user token scope SELF_READ).' }, challenge('insufficient_scope'));
    const wait = options.rateLimits.take(principal);
    if (wait > 0) return jsonResponse(429, { error: 'rate_limited', error_description: `Rate limit exceeded for this ${principal.kind === 'apiKey' ? 'API key' : 'user'}: retry after ${wait} s.` }, { 'Retry-After': String(wait) });
    const length = Number(request.headers.get('content-length') ?? 0);
    if (length > config.mcp.maxRequestBytes) return jsonResponse(413, { error: 'request_too_large', error_description: `A request body may have at most ${config.mcp.maxRequestBytes} bytes (MCP_MAX_REQUEST_BYTES).` });
    const expiresAt = principal.kind === 'user' ? Math.floor(principal.expiresAt.getTime() / 1000) : Math.floor(Date.now() / 1000) + 3600;
    const authInfo: AuthInfo = { token: token!, clientId: principal.kind === 'apiKey' ? principal.id : `user:${principal.userId}`, scopes: ['read'], expiresAt, extra: { principal } };
    const answer = handler.fetch(request, { authInfo });
    if (!timeoutMs) return answer;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Response>((resolve) => {
      timer = setTimeout(() => resolve(jsonResponse(504, { jsonrpc: '2.0', id: null, error: { code: -32001, message: `Request timed out after ${timeoutMs / 1000} s` } })), timeoutMs);
    });
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname === MCP_PATH) return endResponse(await serve(request));
      if (url.pathname === `${METADATA_PATH}${MCP_PATH}` || url.pathname === METADATA_PATH) {
        if (request.method !== 'GET') return endResponse(new Response(null, { status: 405, headers: { allow: 'GET' } }));
        return endResponse(jsonResponse(200, metadata, { 'access-control-allow-origin': '*' }));
      }
    },
  };
}
