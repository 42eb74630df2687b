/**
 * Small helpers shared by the calendar, files, teams, tasks, graph_request and api_request tools.
 */
import type { z } from 'zod';
import type { ToolAnnotations, ToolDefinition } from '../tool.ts';
import { plainLine } from './text.ts';

/**
 * A tool as its module writes it: the schemas as functions, built at their first use.
 * Building zod schemas is most of what loading the tools costs (~1,000 builder calls for 52 tools,
 * ~8 ms at every bridge start); a call needs the schemas of one tool, and tools/list is answered
 * from the manifest recorded at build time (docs/bridge.md "Fast start").
 */
export type ToolSpec<I extends z.ZodRawShape, O extends z.ZodRawShape> = Omit<
  ToolDefinition<I, O>,
  'inputSchema' | 'outputSchema'
> & { inputSchema: () => I; outputSchema?: () => O };

/** Keeps the input/output generics while the module exports a plain ToolDefinition[]; schemas built once, when first read. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(spec: ToolSpec<I, O>): ToolDefinition {
  const { inputSchema, outputSchema, ...rest } = spec;
  let input: I | undefined;
  let output: O | undefined;
  // Accessors, not values: a spread or a conditional spread would call them (and build) right away.
  const def = Object.defineProperty({ ...rest } as ToolDefinition<I, O>, 'inputSchema', {
    get: (): I => (input ??= inputSchema()),
    enumerable: true,
  });
  if (outputSchema !== undefined)
    Object.defineProperty(def, 'outputSchema', { get: (): O => (output ??= outputSchema()), enumerable: true });
  return def;
}

/** Reads an external system; safe to repeat. */
export const READ_ANNOTATIONS: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};

/** Creates something new (repeating creates another). */
export const CREATE_ANNOTATIONS: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
};

/** "Name <address>" for a Graph emailAddress, or whichever part exists; one clean line (text.ts plainLine). */
export function formatAddress(value: { name?: string | null; address?: string | null } | null | undefined): string {
  const name = plainLine(value?.name, 100);
  const address = plainLine(value?.address, 320);
  if (name && address && name.toLowerCase() !== address.toLowerCase()) return `${name} <${address}>`;
  return address || name || '(unknown)';
}

/** Header-safe value for `Prefer: outlook.timezone="…"` (IANA or Windows zone names). */
export function safeZoneName(tz: string): boolean {
  return /^[A-Za-z0-9_+\-/ ().]{1,100}$/.test(tz);
}

/** Note appended to list results when more pages exist. */
export function moreNote(nextCursor: string | null): string {
  return nextCursor ? `\nMore results: call again with the same arguments and cursor "${nextCursor}".` : '';
}
