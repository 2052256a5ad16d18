/**
 * The MCP server: one McpServer per request (HTTP) or connection (stdio), built for the caller
 * with the tools, resources and prompts registered in a fixed order (tools/list is deterministic).
 */
import { McpServer } from '@modelcontextprotocol/server';
import type { Logger } from '../logger.js';
import { createCall, type McpDeps, type McpPrincipal } from './context.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { registerInsightTools } from './tools/insights.js';
import { registerRecordTools } from './tools/records.js';
import { registerScoreTools } from './tools/scores.js';
import { registerSummaryTool } from './tools/summary.js';

export const SERVER_INFO = { name: 'wearable-health-graph', version: '0.1.0' };

const INSTRUCTIONS =
  'Read-only access to wearable health data (sleep, recovery, activity, workouts, heart rate) normalized across providers. ' +
  'Start with users_find (API keys) to get a user_id, then days_summary for an overview; coverage_get tells which data exists. ' +
  'Every value carries its unit in the field name and its source provider. Windows are local dates (YYYY-MM-DD) and default to recent days.';

export function buildMcpServer(deps: McpDeps & { logger: Logger }, principal: McpPrincipal): McpServer {
  const server = new McpServer(SERVER_INFO, { instructions: INSTRUCTIONS });
  const call = createCall(deps, principal);
  registerRecordTools(server, call, deps.logger);
  registerInsightTools(server, call, deps.logger);
  registerScoreTools(server, call, deps.logger);
  registerSummaryTool(server, call, deps.logger);
  registerResources(server, call);
  registerPrompts(server, call);
  return server;
}
