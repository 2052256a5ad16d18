/**
 * Hive Gateway (MIT) on a composed supergraph. The subgraphs check API keys themselves, so the
 * gateway forwards the caller's Authorization header to every subgraph it calls (and nothing else
 * of the caller's headers).
 */
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import * as httpTransport from '@graphql-mesh/transport-http';

export interface GatewayOptions {
  supergraphSdl: string;
  /** Hive Gateway's logging option (false = silent, tests). */
  logging?: boolean | 'debug' | 'info' | 'warn' | 'error';
  plugins?: GatewayPlugin[];
}

/** Client headers the gateway passes on to subgraphs. */
export const FORWARDED_HEADERS = ['authorization'] as const;

export function createGateway({ supergraphSdl, logging = 'info', plugins = [] }: GatewayOptions) {
  return createGatewayRuntime({
    supergraph: supergraphSdl,
    logging,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    // Subgraphs are reached over HTTP (subscriptions over server-sent events); named here, not looked up at run time.
    transports: { http: httpTransport },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        ...Object.fromEntries(FORWARDED_HEADERS.map((name) => [name, request.headers.get(name)]).filter(([, value]) => value)),
        // Server to server, not a browser: pass the subgraph's CSRF check (subscriptions are GET + SSE).
        'x-graphql-csrf': '1',
      }),
    },
    plugins: () => plugins,
  });
}

export type Gateway = ReturnType<typeof createGateway>;
