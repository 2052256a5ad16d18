import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** Headers any of which marks a GET or form-encoded request as deliberate (Apollo-compatible names). */
export const CSRF_HEADERS = ['x-graphql-csrf', 'apollo-require-preflight', 'x-apollo-operation-name', 'graphql-preflight'] as const;

const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * CSRF prevention as Apollo Server does it: a browser sends a cross-site request without a CORS
 * preflight only when it is "simple" (GET, or POST with a form or text/plain body, and no custom
 * headers). Such GraphQL requests are refused with 403 unless they carry one of CSRF_HEADERS.
 * POSTs with `content-type: application/json` (curl, Apollo, GraphiQL, the CLI) pass unchanged;
 * GET queries need e.g. `x-graphql-csrf: 1`.
 */
export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      const contentType = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      const simple = request.method === 'GET' || request.method === 'HEAD' || contentType === '' || SIMPLE_CONTENT_TYPES.includes(contentType);
      if (!simple) return;
      if (CSRF_HEADERS.some((name) => request.headers.has(name))) return;
      throw createGraphQLError(
        `This request could be a cross-site request forgery and was refused: send "content-type: application/json", or add the header "x-graphql-csrf: 1".`,
        { extensions: { code: 'CSRF_PREVENTED', http: { status: 403 } } },
      );
    },
  };
}
