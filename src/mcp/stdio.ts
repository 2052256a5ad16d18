/**
 * `npm run mcp`: MCP over stdio for desktop clients (Claude Desktop, IDEs), as a relay to the
 * gateway's /mcp. The embedded database belongs to the server process (like the CLI's remote
 * commands), and relaying keeps one place that authenticates, rate-limits and runs the tools.
 *
 * Each JSON-RPC message read from stdin (the SDK's stdio framing) is POSTed to SERVER_URL/mcp
 * with the credential from MCP_TOKEN or API_KEY and the protocol headers the Streamable HTTP
 * transport asks for; each message of the answer (JSON or an SSE stream) is written to stdout.
 * 2026-07-28 clients carry their revision in every message; a 2025 client's revision is taken
 * from its `initialize` answer and sent on later requests. Nothing but protocol goes to stdout.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { ConfigError, loadConfig, reportDeprecations } from '../config.js';
import { serverUrlOf } from '../server-info.js';

type Message = { jsonrpc: '2.0'; id?: string | number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: unknown };

const PROTOCOL_META = 'io.modelcontextprotocol/protocolVersion';

export interface Relay {
  forward(message: Message): Promise<Message[]>;
}

/** The relay's HTTP side (exported for tests). */
export function createRelay(endpoint: string, token: string, fetchImpl: typeof fetch = fetch): Relay {
  let legacyVersion: string | null = null;
  const failure = (message: Message, text: string): Message[] =>
    message.id === undefined ? [] : [{ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: text } }];
  return {
    async forward(message) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${token}`,
      };
      const modern = (message.params?._meta as Record<string, unknown> | undefined)?.[PROTOCOL_META];
      if (typeof modern === 'string') {
        headers['mcp-protocol-version'] = modern;
        if (message.method) headers['mcp-method'] = message.method;
        const name = message.params?.name ?? message.params?.uri;
        if (typeof name === 'string' && /^(tools\/call|prompts\/get|resources\/read)$/.test(message.method ?? '')) headers['mcp-name'] = name;
      } else if (legacyVersion) headers['mcp-protocol-version'] = legacyVersion;
      let response: Response;
      try {
        response = await fetchImpl(endpoint, { method: 'POST', headers, body: JSON.stringify(message) });
      } catch (error) {
        return failure(message, `the gateway at ${endpoint} cannot be reached (${(error as Error).message}); is it running (npm start)?`);
      }
      const type = response.headers.get('content-type') ?? '';
      const text = await response.text();
      let answers: Message[] = [];
      if (type.includes('text/event-stream')) {
        for (const block of text.split(/\r?\n\r?\n/)) {
          const data = block
            .split(/\r?\n/)
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          if (data) answers.push(JSON.parse(data) as Message);
        }
      } else if (type.includes('application/json') && text) {
        const parsed = JSON.parse(text) as Message | Message[] | { error?: string; error_description?: string };
        if (Array.isArray(parsed)) answers = parsed;
        else if ('jsonrpc' in parsed) answers = [parsed as Message];
        else return failure(message, `the gateway answered ${response.status}: ${parsed.error_description ?? parsed.error ?? text}`);
      } else if (!response.ok) {
        return failure(message, `the gateway answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
      }
      for (const answer of answers) {
        const version = answer.result?.protocolVersion;
        if (message.method === 'initialize' && typeof version === 'string') legacyVersion = version;
      }
      return answers;
    },
  };
}

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (!config.mcp.token) {
    process.stderr.write('npm run mcp needs a credential: set MCP_TOKEN (or API_KEY) to an API key or user token.\n');
    process.exit(2);
  }
  reportDeprecations(config, (message) => process.stderr.write(`warning: ${message}\n`));
  const serverUrl = serverUrlOf(config);
  const relay = createRelay(`${serverUrl}/mcp`, config.mcp.token);
  const transport = new StdioServerTransport();
  const inFlight = new Set<Promise<void>>();
  transport.onmessage = (message) => {
    const job = relay
      .forward(message as Message)
      .then(async (answers) => {
        for (const answer of answers) await transport.send(answer as never);
      })
      .catch((error: Error) => {
        process.stderr.write(`mcp relay: ${error.message}\n`);
      })
      .finally(() => inFlight.delete(job));
    inFlight.add(job);
  };
  transport.onclose = () => {
    void Promise.all(inFlight).then(() => process.exit(0));
  };
  transport.onerror = (error) => process.stderr.write(`mcp relay: ${error.message}\n`);
  await transport.start();
  process.stderr.write(`wearable-graph MCP over stdio, relaying to ${serverUrl}/mcp\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  void main();
}
