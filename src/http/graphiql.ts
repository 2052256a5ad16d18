/**
 * GraphiQL's starting document: ready-made, named operations a newcomer runs top to bottom
 * (tests/sandbox/graphiql-document.test.ts validates it against the schema). The CLI's `demo`
 * prints the same Days query.
 */

/** Polar training next to Oura sleep, per local date. */
export const DAYS_QUERY = `query Days($userId: ID!, $from: LocalDate!, $to: LocalDate!) {
  user(id: $userId) {
    externalId
    connections { provider sandbox status lastSyncedAt }
    days(from: $from, to: $to) {
      date
      workouts { sport startTime durationSeconds distanceMeters averageHeartRateBpm source { provider device } }
      sleep { startTime endTime totalSleepSeconds deepSleepSeconds score source { provider } }
      recovery { hrvRmssdMs restingHeartRateBpm readinessScore source { provider } }
    }
  }
}`;

/** What the starting document says about this server: its own URL and today's dates. */
export interface GraphiQLDocumentContext {
  /** PUBLIC_URL (what redirect URIs are checked against). */
  publicUrl: string;
  /** Today (UTC), YYYY-MM-DD: the sandbox holds the days before it. */
  today: string;
}

/** The dates the examples use: the last 14 days up to today (what the demo prints too). */
export function exampleDates(today: string): { from: string; to: string } {
  const from = new Date(`${today}T00:00:00Z`);
  from.setUTCDate(from.getUTCDate() - 13);
  return { from: from.toISOString().slice(0, 10), to: today };
}

/** The Variables tab of a first visit: CreateUser and Days run as they are. */
export function graphiqlVariables(context: GraphiQLDocumentContext): string {
  return JSON.stringify({ externalId: 'alice', ...exampleDates(context.today) }, null, 2);
}

export function graphiqlDocument(context: GraphiQLDocumentContext): string {
  const base = context.publicUrl.replace(/\/+$/, '');
  const { from, to } = exampleDates(context.today);
  return `# Wearable health graph
#
# AUTHORIZATION: every request needs an API key. Open the "Headers" tab below and set
#   { "Authorization": "Bearer whg_..." }
# The first \`npm start\` printed an admin key (shown once). More keys:
#   npm run cli -- api-key create --name analyst --scope read
#
# This document holds one named operation per step: put the cursor in one and press
# Ctrl-Enter (or pick it from the run button's menu). Variables go in the "Variables" tab, e.g.
#   { "externalId": "alice", "userId": "VXNlcjo...", "from": "${from}", "to": "${to}",
#     "connectionId": "Q29ubmVjdGlvbjo..." }
# (the Variables tab starts with externalId and these dates: the sandbox holds the days up to today).
# Without Polar/Oura credentials the providers are the built-in SANDBOX simulators (generated
# data, a consent page with "Allow" and "Deny"). Shortcut for steps 1-4:
#   API_KEY=whg_... npm run cli -- demo --url ${base}      (prints the variables for Days)

# 0. Which providers can be connected here; sandbox: true = simulated.
query Providers {
  providers { id name kind available sandbox ingestPath }
}

# 1. A user (externalId is your own id for them). Copy the returned id into "userId".
mutation CreateUser($externalId: String!) {
  createUser(input: { externalId: $externalId }) { id externalId }
}

# 2. Connect Polar: open the returned authorizationUrl in a new browser tab and allow access.
#    The gateway handles the callback, starts the backfill and shows "Connected Polar — you can
#    close this tab" (its page ${base}/connected, the default redirectUri). Your app passes its
#    own redirectUri instead, e.g. "redirectUri": "${base}/connected"; it must fall under
#    OAUTH_REDIRECT_ALLOWLIST (default: anything on this server's origin, ${new URL(base).origin}).
mutation ConnectPolar($userId: ID!, $redirectUri: String) {
  connectProvider(input: { userId: $userId, provider: POLAR, redirectUri: $redirectUri }) { authorizationUrl }
}

# 3. Connect Oura the same way.
mutation ConnectOura($userId: ID!, $redirectUri: String) {
  connectProvider(input: { userId: $userId, provider: OURA, redirectUri: $redirectUri }) { authorizationUrl }
}

# 4. The user's connections: copy a connection id into "connectionId" for SyncProgress / Resync.
query Connections($userId: ID!) {
  user(id: $userId) {
    connections { id provider sandbox status lastSyncedAt lastError }
  }
}

# Live progress of a connection's current sync (server-sent events; ends when the sync does).
subscription SyncProgress($connectionId: ID!) {
  syncProgress(connectionId: $connectionId) { kind phase windowsDone windowsTotal fetched recordsWritten skipped error }
}

# 5. Polar training next to Oura sleep, one entry per local date.
${DAYS_QUERY}

# Fetch a range again (default: the backfill range); unchanged records stay untouched.
mutation Resync($connectionId: ID!, $from: LocalDate, $to: LocalDate) {
  resyncConnection(connectionId: $connectionId, from: $from, to: $to) { id kind status }
}
`;
}
