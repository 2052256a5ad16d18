export const GRAPHIQL_DEFAULT_QUERY = `# Wearable health graph
#
# Every request needs an API key: open the "Headers" tab below and set
#   { "Authorization": "Bearer <your key>" }
# The first start printed an admin key; make more with
#   npm run cli -- api-key create --name analyst --scope read
#
# Polar training next to Oura sleep, one query:
query Days($userId: ID!, $from: LocalDate!, $to: LocalDate!) {
  user(id: $userId) {
    externalId
    connections { provider status lastSyncedAt }
    days(from: $from, to: $to) {
      date
      workouts { sport startTime durationSeconds distanceMeters averageHeartRateBpm trainingLoad source { provider device } }
      sleep { startTime endTime totalSleepSeconds deepSleepSeconds score source { provider } }
      recovery { hrvRmssdMs restingHeartRateBpm nightlyRechargeStatus ansCharge readinessScore source { provider } }
      activity { steps activeEnergyKcal source { provider } }
    }
  }
}

# List users (copy an id into the variables):
# query { users(first: 10) { edges { node { id externalId } } } }
`;
