/**
 * `npm run cli -- demo`: through a running gateway (like `sync`), creates a demo user, connects both
 * sandbox providers (following each simulator's consent page as a browser would: GET the
 * authorization URL, submit its "Allow" form, follow the redirect to the callback), waits for the
 * backfills with progress bars, pushes a week of HealthKit and Health Connect records from the
 * sandbox phones through the push contract, and prints the Days query with ready variables.
 */
import { DAYS_QUERY } from '../http/graphiql.js';
import { graphql, progressBar, subscribe, type ProgressBoard, type Remote } from './remote.js';
import { PushClient, totalOf } from '../sandbox/phones/client.js';
import { healthConnectWeek, healthKitWeek } from '../sandbox/phones/week.js';

export interface DemoOptions {
  externalId: string;
  /** Where the OAuth callback finally sends the "browser"; must be on OAUTH_REDIRECT_ALLOWLIST. */
  redirectUri?: string;
  /** Days of the printed query window, ending today. */
  days: number;
  log: (line: string) => void;
  /** Where the backfills' progress bars go (redrawn in place on a terminal); without it only their last lines are logged. */
  progress?: ProgressBoard;
}

export interface DemoResult {
  userId: string;
  connections: Array<{ provider: string; connectionId: string }>;
  variables: { userId: string; from: string; to: string };
}

interface ProviderView {
  id: string;
  available: boolean;
  sandbox: boolean;
}

/** The gateway's URL for a URL it handed out with PUBLIC_URL's origin (the CLI may reach it at another address). */
function onGateway(remote: Remote, url: string): string {
  const parsed = new URL(url);
  const gateway = new URL(remote.url);
  return new URL(parsed.pathname + parsed.search, gateway.origin).toString();
}

/** Plays the browser in the sandbox consent flow; returns the connection's global id. */
export async function followSandboxConsent(remote: Remote, authorizationUrl: string): Promise<string> {
  const consentUrl = onGateway(remote, authorizationUrl);
  const page = await fetch(consentUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200 || !/<form[^>]*method="post"/i.test(html)) {
    throw new Error(`the sandbox consent page answered HTTP ${page.status} without an Allow form (${consentUrl})`);
  }
  const allowed = await fetch(consentUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'decision=allow',
    redirect: 'manual',
  });
  const callback = allowed.headers.get('location');
  if (allowed.status !== 302 || !callback) throw new Error(`allowing access answered HTTP ${allowed.status} without a redirect`);
  const done = await fetch(onGateway(remote, callback), { redirect: 'manual' });
  const final = done.headers.get('location');
  if (done.status !== 302 || !final) throw new Error(`the OAuth callback answered HTTP ${done.status}: ${(await done.text()).replace(/<[^>]+>/g, ' ').trim()}`);
  const result = new URL(final).searchParams;
  if (result.get('status') !== 'connected') throw new Error(`connecting failed: ${result.get('reason') ?? 'unknown reason'}`);
  return result.get('connectionId')!;
}

async function waitForSync(remote: Remote, label: string, connectionId: string, log: (line: string) => void, board?: ProgressBoard): Promise<void> {
  let last = '';
  let phase = '';
  let error: string | null = null;
  await subscribe<{ syncProgress: { phase: string; windowsDone: number; windowsTotal: number; fetched: number; recordsWritten: number; error: string | null; message: string | null } }>(
    remote,
    'subscription($id: ID!) { syncProgress(connectionId: $id) { phase windowsDone windowsTotal fetched recordsWritten error message } }',
    { id: connectionId },
    ({ syncProgress: p }) => {
      phase = p.phase;
      error = p.error;
      const line = `  ${label.padEnd(5)} ${progressBar(p.windowsDone, p.windowsTotal, 24)} ${p.windowsDone}/${p.windowsTotal} windows, ${p.recordsWritten} records written${p.message ? ` (${p.message})` : ''}`;
      if (board) board.update(label, line);
      else if (line !== last && (p.phase === 'DONE' || p.phase === 'FAILED')) log(line);
      last = line;
    },
  );
  if (phase === 'FAILED') throw new Error(`${label} backfill failed: ${error}`);
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export async function runDemo(remote: Remote, options: DemoOptions): Promise<DemoResult> {
  const { log } = options;
  const { providers } = await graphql<{ providers: ProviderView[] }>(remote, '{ providers(kind: CLOUD) { id available sandbox } }');
  const sandboxed = providers.filter((p) => p.sandbox);
  for (const p of providers.filter((p) => p.available && !p.sandbox)) {
    log(`  ${p.id} has real credentials configured here: the demo connects sandbox providers only, so it is skipped.`);
  }
  if (sandboxed.length === 0) throw new Error('no sandbox provider is available (SANDBOX=false, or both providers have real credentials)');

  const existing = await graphql<{ userByExternalId: { id: string } | null }>(remote, 'query($e: String!) { userByExternalId(externalId: $e) { id } }', {
    e: options.externalId,
  });
  const userId =
    existing.userByExternalId?.id ??
    (await graphql<{ createUser: { id: string } }>(remote, 'mutation($e: String!) { createUser(input: { externalId: $e }) { id } }', { e: options.externalId }))
      .createUser.id;
  log(`  user      ${options.externalId} (${userId})${existing.userByExternalId ? ', already there' : ', created'}`);

  const connections: DemoResult['connections'] = [];
  for (const provider of sandboxed) {
    const { connectProvider } = await graphql<{ connectProvider: { authorizationUrl: string } }>(
      remote,
      'mutation($u: ID!, $p: Provider!, $r: String) { connectProvider(input: { userId: $u, provider: $p, redirectUri: $r }) { authorizationUrl } }',
      { u: userId, p: provider.id, r: options.redirectUri ?? null },
    );
    const connectionId = await followSandboxConsent(remote, connectProvider.authorizationUrl);
    log(`  ${provider.id.padEnd(5)} connected to the sandbox (connection ${connectionId}); backfill running`);
    connections.push({ provider: provider.id, connectionId });
  }
  await Promise.all(connections.map((c) => waitForSync(remote, c.provider, c.connectionId, log, options.progress)));

  // The phones: a week of HealthKit and Health Connect records pushed through the real contract
  // with the user's own SELF_INGEST token, as the apps would (src/sandbox/phones/).
  const { createUserToken } = await graphql<{ createUserToken: { token: string } }>(
    remote,
    'mutation($u: ID!) { createUserToken(input: { userId: $u, scopes: [SELF_INGEST], ttlSeconds: 600 }) { token } }',
    { u: userId },
  );
  const phone = new PushClient({ url: remote.url, token: createUserToken.token });
  const weekFrom = isoDate(new Date(Date.now() - 7 * 86_400_000));
  for (const [platform, records] of [['apple-health', healthKitWeek(weekFrom)], ['health-connect', healthConnectWeek(weekFrom)]] as const) {
    const total = totalOf(await phone.push(platform, records as never));
    log(`  ${platform.padEnd(14)} a week pushed from the sandbox phone: ${total.accepted} records (${total.created} new, ${total.unchanged} already there)`);
  }

  const to = isoDate(new Date());
  const from = isoDate(new Date(Date.now() - (options.days - 1) * 86_400_000));
  return { userId, connections, variables: { userId, from, to } };
}

export function demoInstructions(remote: Remote, result: DemoResult): string {
  return [
    '',
    `Open ${remote.url}/graphql, put your key in the Headers tab: { "Authorization": "Bearer <key>" },`,
    'choose the "Days" operation and paste these variables into the Variables tab:',
    '',
    JSON.stringify(result.variables, null, 2),
    '',
    'The query (also in GraphiQL\'s starting document):',
    '',
    DAYS_QUERY,
    '',
    'Or with curl:',
    `  curl -s ${remote.url}/graphql -H "authorization: Bearer $API_KEY" -H 'content-type: application/json' \\`,
    `    -d '${JSON.stringify({ query: DAYS_QUERY.replace(/\s+/g, ' '), variables: result.variables }).replace(/'/g, "'\\''")}'`,
    '',
  ].join('\n');
}
