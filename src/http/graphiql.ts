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

export const GRAPHIQL_DEFAULT_QUERY = `# Wearable health graph
#
# AUTHORIZATION: every request needs an API key. Open the "Headers" tab below and set
#   { "Authorization": "Bearer whg_..." }
# The first \`npm start\` printed an admin key (shown once). More keys:
#   npm run cli -- api-key create --name analyst --scope read
#
# This document holds one named operation per step: put the cursor in one and press
# Ctrl-Enter (or pick it from the run button's menu). Variables go in the "Variables" tab, e.g.
#   { "externalId": "alice", "userId": "VXNlcjo...", "from": "2026-01-01", "to": "2026-01-14",
#     "connectionId": "Q29ubmVjdGlvbjo..." }
# Without Polar/Oura credentials the providers are the built-in SANDBOX simulators (generated
# data, a consent page with "Allow" and "Deny"). Shortcut for steps 1-4:
#   API_KEY=whg_... npm run cli -- demo      (prints the variables for Days)

# 0. Which providers can be connected here; sandbox: true = simulated.
query Providers {
  providers { id name available sandbox }
}

# 1. A user (externalId is your own id for them). Copy the returned id into "userId".
mutation CreateUser($externalId: String!) {
  createUser(input: { externalId: $externalId }) { id externalId }
}

# 2. Connect Polar: open the returned authorizationUrl in a new browser tab and allow access.
#    The gateway handles the callback, starts the backfill and shows "Connected Polar — you can
#    close this tab" (its /connected page). Your app passes its own redirectUri instead (it must
#    fall under OAUTH_REDIRECT_ALLOWLIST; default: anything on this server's origin).
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
