/**
 * The `tools/list` answer, built once from the ToolDefinitions and kept compact (all groups must
 * fit in ~40 KB of an editor's context): JSON Schema draft-7 from zod, minus `$schema`, minus regex
 * `pattern`s where a `format` already says it (zod's date-time regex alone is ~450 bytes), minus
 * `additionalProperties:false` on output schemas; annotations without default values.
 */
import { z } from 'zod';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolAnnotations, ToolDefinition } from './tools/tool.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function compactSchema(node: Json, output: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => compactSchema(n, output));
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema') continue;
    if (key === 'pattern' && typeof node.format === 'string') continue;
    if (key === 'additionalProperties' && output && value === false) continue;
    out[key] = compactSchema(value, output);
  }
  return out;
}

export function toolJsonSchema(shape: z.ZodRawShape, io: 'input' | 'output'): Tool['inputSchema'] {
  const json = z.toJSONSchema(z.object(shape), { target: 'draft-7', io, unrepresentable: 'any' }) as Json;
  return compactSchema(json, io === 'output') as Tool['inputSchema'];
}

/**
 * Annotations without the values MCP defines as defaults (readOnlyHint false, destructiveHint true,
 * idempotentHint false, openWorldHint true); destructive/idempotent only mean something for writes.
 */
export function compactAnnotations(a: ToolAnnotations): Partial<ToolAnnotations> {
  return {
    ...(a.readOnlyHint ? { readOnlyHint: true } : {}),
    ...(!a.readOnlyHint && !a.destructiveHint ? { destructiveHint: false } : {}),
    ...(!a.readOnlyHint && a.idempotentHint ? { idempotentHint: true } : {}),
    ...(!a.openWorldHint ? { openWorldHint: false } : {}),
  };
}

export function buildToolList(tools: readonly ToolDefinition[]): Tool[] {
  return tools.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: toolJsonSchema(t.inputSchema, 'input'),
    ...(t.outputSchema ? { outputSchema: toolJsonSchema(t.outputSchema, 'output') } : {}),
    annotations: compactAnnotations(t.annotations),
  }));
}
