/**
 * How every tool answers: read-only annotations, an output schema, `structuredContent`, and a
 * one-paragraph summary followed by the same data as JSON text (for clients that only read text).
 * Input problems come back as tool errors that name the argument; an answer over the size budget
 * is refused with a hint instead of flooding the model's context.
 */
import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';
import { InvalidCursorError } from '../services/records.js';
import type { Logger } from '../logger.js';
import { ToolInputError, type McpCall } from './context.js';

/** About 25k tokens of JSON (JSON runs ~3.5 characters per token). */
export const MAX_ANSWER_BYTES = 87_500;

export interface ToolAnswer<T> {
  data: T;
  summary: string;
}

export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  title: string;
  description: string;
  input: I;
  output: O;
}

export function errorResult(message: string) {
  return { content: [{ type: 'text' as const, text: message }], isError: true };
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  server: McpServer,
  call: McpCall,
  logger: Logger,
  name: string,
  spec: ToolSpec<I, O>,
  run: (args: z.infer<I>, call: McpCall) => Promise<ToolAnswer<z.infer<O>>>,
) {
  server.registerTool(
    name,
    {
      title: spec.title,
      description: spec.description,
      inputSchema: spec.input,
      outputSchema: spec.output,
      annotations: { title: spec.title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (async (args: z.infer<I>) => {
      try {
        const { data, summary } = await run(args, call);
        const json = JSON.stringify(data);
        if (json.length > MAX_ANSWER_BYTES) {
          return errorResult(`${name}: the answer would be ${json.length} bytes (over ${MAX_ANSWER_BYTES}); narrow from/to, lower limit, or page with cursor.`);
        }
        return { content: [{ type: 'text' as const, text: summary }, { type: 'text' as const, text: json }], structuredContent: data as Record<string, unknown> };
      } catch (error) {
        if (error instanceof ToolInputError) return errorResult(error.message);
        if (error instanceof InvalidCursorError) return errorResult(`cursor: ${error.message}; pass the next_cursor of a previous answer.`);
        logger.error('mcp tool failed', { tool: name, error });
        return errorResult(`${name} failed with an internal error; the server log has the details.`);
      }
    }) as never,
  );
}

// Shared schema pieces ---------------------------------------------------------------------------

export const userArg = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe("The user: a global ID (from users_find or GraphQL) or the operator's externalId. Optional with a user token (its own user).");
export const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date YYYY-MM-DD');
export const fromArg = (defaultDays: number, maxDays: number) =>
  localDate.optional().describe(`First local date (YYYY-MM-DD), inclusive. Default: ${defaultDays} days ending at "to". At most ${maxDays} days.`);
export const toArg = localDate.optional().describe('Last local date (YYYY-MM-DD), inclusive. Default: today.');
export const cursorArg = z.string().max(200).optional().describe('next_cursor of the previous page.');
export const source = z.object({ provider: z.string(), device: z.string().nullable() }).describe('Where the value came from.');
export const num = z.number().nullable();
export const windowOut = { from: localDate, to: localDate };

export const sourceOf = (r: { provider: string; sourceDevice: string | null }) => ({ provider: r.provider, device: r.sourceDevice });
export const r1 = (v: number | null | undefined, scale = 1, digits = 1) => (v === null || v === undefined ? null : Math.round(v * scale * 10 ** digits) / 10 ** digits);
