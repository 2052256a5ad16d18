/**
 * Hive Gateway (MIT) on a composed supergraph. The subgraphs check API keys themselves, so the
 * gateway forwards the caller's Authorization header to every subgraph it calls (and nothing else
 * of the caller's headers).
 */
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import * as httpTransport from '@graphql-mesh/transport-http';
import { GraphQLError } from 'graphql';
import { useGraphiQLPage, type GraphiQLPageOptions } from '../http/graphiql-page.js';

export interface GatewayOptions {
  supergraphSdl: string;
  /** Hive Gateway's logging option (false = silent, tests). */
  logging?: boolean | 'debug' | 'info' | 'warn' | 'error';
  plugins?: GatewayPlugin[];
}

/** Client headers the gateway passes on to subgraphs. */
export const FORWARDED_HEADERS = ['authorization'] as const;

/**
 * The HTTP status the API answers a refused request with, by error code: the gateway answers the
 * same (the subgraph's status does not travel through a federated plan, its error codes do).
 */
export const REFUSED_REQUEST_STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  BAD_USER_INPUT: 400,
  QUERY_TOO_COMPLEX: 400,
  CSRF_PREVENTED: 403,
  RATE_LIMITED: 429,
  TIMEOUT: 504,
};

/** A result without data whose error is one of the codes above gets that HTTP status. */
function useRefusedRequestStatus(): GatewayPlugin {
  return {
    onExecutionResult({ result, setResult }) {
      if (!result || !('errors' in result) || !result.errors?.length || result.data) return;
      const errors = result.errors.map((error) => {
        const status = REFUSED_REQUEST_STATUS[String(error.extensions?.code)];
        if (!status) return error;
        return new GraphQLError(error.message, { ...error, extensions: { ...error.extensions, http: { status } } });
      });
      setResult({ ...result, errors });
    },
  };
}

/**
 * The gateway's GraphiQL: the API's page and assets (src/http/graphiql-page.ts), served by the
 * gateway itself, so it works offline (Hive Gateway's own loads GraphiQL from a CDN).
 */
export const GATEWAY_GRAPHIQL: GraphiQLPageOptions = {
  title: 'Wearable health graph (gateway)',
  defaultQuery: `# Wearable health graph behind Hive Gateway
#
# Every request needs an API key of the health subgraph: open the "Headers" tab below and set
#   { "Authorization": "Bearer whg_..." }
# The gateway forwards it to the subgraphs. The API's own GraphiQL (its /graphql) has a starting
# document with every step (users, connecting providers, the Days query).

query Providers {
  providers { id name available sandbox }
}
`,
  headers: JSON.stringify({ Authorization: 'Bearer <paste your API key here>' }, null, 2),
  shouldPersistHeaders: true,
  defaultEditorToolsVisibility: 'headers',
};

export function createGateway({ supergraphSdl, logging = 'info', plugins = [] }: GatewayOptions) {
  return createGatewayRuntime({
    supergraph: supergraphSdl,
    logging,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: false,
    // Subgraphs are reached over HTTP (subscriptions over server-sent events); named here, not looked up at run time.
    transports: { http: httpTransport },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        ...Object.fromEntries(FORWARDED_HEADERS.map((name) => [name, request.headers.get(name)]).filter(([, value]) => value)),
        // Server to server, not a browser: pass the subgraph's CSRF check (subscriptions are GET + SSE).
        'x-graphql-csrf': '1',
      }),
    },
    plugins: () => [useGraphiQLPage({ graphqlPath: '/graphql', options: () => GATEWAY_GRAPHIQL }), useRefusedRequestStatus(), ...plugins],
  });
}

export type Gateway = ReturnType<typeof createGateway>;
