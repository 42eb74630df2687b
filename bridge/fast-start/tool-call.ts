/**
 * `tools/call` without the MCP SDK: what the bridge's tools answer (runToolCall, also used by the
 * SDK path in server.ts) and what McpServer makes of it (callToolAsSdk), so the engine
 * (engine.ts) can serve calls from the fast start without loading the SDK and its hundreds of zod
 * schemas, with answers byte-identical to the SDK's.
 *
 * callToolAsSdk follows @modelcontextprotocol/sdk 1.32's McpServer tools/call handler and Server's
 * result check step by step (server/mcp.js, server/index.js, server/zod-compat.js):
 *   1. an unknown tool → `MCP error -32602: Tool <name> not found` as an isError result;
 *   2. input: the tool's raw shape as a `zod/v4-mini` object (built once per tool, when first called),
 *      `safeParseAsync(args ?? {})`; a failure → `MCP error -32602: Input validation error: Invalid
 *      arguments for tool <name>: <issues>` (the SDK's getParseErrorMessage);
 *   3. the handler (runToolCall);
 *   4. output: a tool with an output schema must return structured content that parses, else
 *      `MCP error -32602: Output validation error: …`;
 *   5. any error of 1–4 becomes `{content:[{type:'text',text:message}], isError:true}`;
 *   6. the result as CallToolResultSchema parses it: keys in the schema's order (content,
 *      structuredContent, isError), content items `{type, text}`, structuredContent through
 *      `z.record(z.string(), z.unknown())`.
 * The front (front.ts) sends here only requests the SDK certainly accepts (no `task`, no unknown
 * keys, a name that is not an Object.prototype key); test/unit/bridge/fast-start.test.ts compares
 * every answer with the real McpServer's.
 */
import * as zm from 'zod/mini';
import type { Logger } from '../log.ts';
import { describeError } from '../log.ts';
import { ToolError, type ToolDefinition, type ToolResult } from '../tools/tool.ts';
import type { ToolRunner } from '../context.ts';

/** The CallToolResult shapes the bridge produces. */
export interface ToolCallResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export function toCallToolResult(result: ToolResult): ToolCallResult {
  return {
    content: [{ type: 'text', text: result.text }],
    ...(result.structured !== undefined ? { structuredContent: result.structured } : {}),
  };
}

export function errorResult(message: string): ToolCallResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

/**
 * Runs one tool on the (lazily loaded) runner: a ToolError becomes an isError result whose text says
 * what to do; anything else is logged and reported as an internal error. Never rejects.
 */
export async function runToolCall(
  tool: ToolDefinition,
  args: unknown,
  options: { runner: () => Promise<ToolRunner>; log: Logger; signal?: AbortSignal },
): Promise<ToolCallResult> {
  const { signal, log } = options;
  try {
    const result = await (await options.runner()).run(tool, args, signal ? { signal } : {});
    return toCallToolResult(result);
  } catch (error) {
    if (error instanceof ToolError) {
      // A cancelled call's answer is not sent (the SDK drops it); the log says why it ended.
      log.info(`${tool.name}: ${signal?.aborted ? 'cancelled by the client' : error.code}`);
      return errorResult(error.message);
    }
    log.error(`${tool.name} failed: ${describeError(error)}`);
    return errorResult(
      `Graph Bridge hit an internal error running ${tool.name} (${describeError(error)}). Try again; if it repeats, check the bridge log in the editor's MCP output.`,
    );
  }
}

// --- McpServer's tools/call, without the SDK -------------------------------------------------

const INVALID_PARAMS = -32602;

/** The SDK's McpError message. */
const mcpError = (code: number, message: string): Error => new Error(`MCP error ${code}: ${message}`);

/** zod-compat.js getDotPath. */
function dotPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'object root';
  return path.reduce<string>((acc, seg, index) => {
    if (index === 0) return String(seg);
    if (typeof seg === 'number') return `${acc}[${seg}]`;
    return `${acc}.${String(seg)}`;
  }, '');
}

/** zod-compat.js getParseErrorMessage, for the zod errors it can be given here. */
function parseErrorMessage(error: {
  issues: readonly { message: string; path?: readonly PropertyKey[] }[];
  message: string;
}): string {
  if (error.issues.length > 0)
    return error.issues.map((i) => (i.path?.length ? `${i.message} at ${dotPath(i.path)}` : i.message)).join('\n');
  return error.message;
}

type MiniObject = ReturnType<typeof zm.object>;
/** CallToolResultSchema's structuredContent. */
const STRUCTURED = zm.record(zm.string(), zm.unknown());

export interface SdkToolCaller {
  /** The result McpServer would send for `tools/call {name, arguments}` (never rejects). */
  call(name: string, args: Record<string, unknown> | undefined, signal: AbortSignal): Promise<ToolCallResult>;
}

/** One zod/v4-mini object per tool name, built at its first use (zod-compat.js objectFromShape). */
function schemaCache(): (name: string, shape: zm.core.$ZodLooseShape) => MiniObject {
  const cache = new Map<string, MiniObject>();
  return (name, shape) => {
    let schema = cache.get(name);
    if (schema === undefined) cache.set(name, (schema = zm.object(shape)));
    return schema;
  };
}

type SchemaOf = ReturnType<typeof schemaCache>;

/** The tool's arguments as its input schema parses them; throws McpServer's input validation error. */
async function parseInput(
  tool: ToolDefinition,
  args: Record<string, unknown> | undefined,
  inputOf: SchemaOf,
): Promise<unknown> {
  const input = await zm.safeParseAsync(inputOf(tool.name, tool.inputSchema), args ?? {});
  if (!input.success) {
    throw mcpError(
      INVALID_PARAMS,
      `Input validation error: Invalid arguments for tool ${tool.name}: ${parseErrorMessage(input.error)}`,
    );
  }
  return input.data;
}

/** A successful result of a tool with an output schema must match it; throws McpServer's output validation error. */
async function checkOutput(tool: ToolDefinition, result: ToolCallResult, outputOf: SchemaOf): Promise<ToolCallResult> {
  if (tool.outputSchema === undefined || result.isError) return result;
  if (!result.structuredContent) {
    throw mcpError(
      INVALID_PARAMS,
      `Output validation error: Tool ${tool.name} has an output schema but no structured content was provided`,
    );
  }
  const output = await zm.safeParseAsync(outputOf(tool.name, tool.outputSchema), result.structuredContent);
  if (!output.success) {
    throw mcpError(
      INVALID_PARAMS,
      `Output validation error: Invalid structured content for tool ${tool.name}: ${parseErrorMessage(output.error)}`,
    );
  }
  return result;
}

/** The result as CallToolResultSchema parses it (the order of its shape; record-copied structured content). */
function asParsed(result: ToolCallResult): ToolCallResult {
  return {
    content: result.content.map((c) => ({ type: c.type, text: c.text })),
    ...(result.structuredContent !== undefined
      ? { structuredContent: STRUCTURED.parse(result.structuredContent) }
      : {}),
    ...(result.isError !== undefined ? { isError: result.isError } : {}),
  };
}

export function createSdkToolCaller(
  tools: readonly ToolDefinition[],
  run: (tool: ToolDefinition, args: unknown, signal: AbortSignal) => Promise<ToolCallResult>,
): SdkToolCaller {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const inputOf = schemaCache();
  const outputOf = schemaCache();

  const handle = async (name: string, args: Record<string, unknown> | undefined, signal: AbortSignal) => {
    const tool = byName.get(name);
    if (tool === undefined) throw mcpError(INVALID_PARAMS, `Tool ${name} not found`);
    const input = await parseInput(tool, args, inputOf);
    return checkOutput(tool, await run(tool, input, signal), outputOf);
  };

  return {
    async call(name, args, signal) {
      let result: ToolCallResult;
      try {
        result = await handle(name, args, signal);
      } catch (error) {
        result = errorResult(error instanceof Error ? error.message : String(error));
      }
      return asParsed(result);
    },
  };
}
