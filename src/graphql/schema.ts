// Imports every type file, then builds the schema. Nothing else belongs here.
import { builder } from './builder.js';
import './types/scalars.js';
import './types/enums.js';
import './types/health-record.js';
import './types/workout.js';
import './types/sleep-session.js';
import './types/recovery.js';
import './types/daily-activity.js';
import './types/vo2max-estimate.js';
import './types/heart-rate-sample.js';
import './types/score.js';
import './types/day.js';
import './types/connection.js';
import './types/user.js';
import './types/series.js';
import './types/summary.js';
import './types/api-key.js';
import './types/user-token.js';
import './types/provider.js';
import './types/sync-run.js';
import './types/connection-mutations.js';
import './types/provider-webhook.js';
import './types/sync-progress.js';
import './federation.js';

builder.queryType({
  description: 'Read health data. Every operation needs "Authorization: Bearer <API key or user token>"; a user token reads its own user only.',
  authScopes: { read: true },
});
builder.mutationType({ description: 'Change data. Each mutation says which key scope it needs.' });

export const schema = builder.toSchema({ sortSchema: false });

/**
 * What /graphql serves: the same schema as a Federation v2 subgraph (adds `_service`, `_entities`
 * and the @key/@link directives). `schema` above stays the public API printed to schema.graphql.
 */
export const subgraphSchema = builder.toSubGraphSchema({ sortSchema: false });
