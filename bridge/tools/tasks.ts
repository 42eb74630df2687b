/**
 * Microsoft To Do tools: list_task_lists, list_tasks, create_task, update_task (update, complete,
 * reopen, delete). Graph: /me/todo/lists, /me/todo/lists/{id}/tasks, POST …/tasks, GET/PATCH/DELETE
 * …/tasks/{id}. Results are text only.
 */
import { z } from 'zod';
import type { TodoTask, TodoTaskList } from '@microsoft/microsoft-graph-types';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { ToolError, type ToolContext, type ToolDefinition } from './tool.ts';
import { CREATE_ANNOTATIONS, READ_ANNOTATIONS, defineTool, safeZoneName } from './shared/define.ts';
import { cursorInput, listPage } from './shared/list.ts';
import { resolveId, shortId } from './shared/ids.ts';
import { pathSegment } from './shared/paths.ts';
import { bodyToText, clip, plainLine, withoutControls } from './shared/text.ts';
import { toWallDateTime } from './shared/time.ts';

const READ = GROUP_SCOPES.tasks.read;
const WRITE = GROUP_SCOPES.tasks.write;

type GraphTaskList = TodoTaskList & { id: string };
type GraphTask = TodoTask & { id: string };

interface ShapedList {
  id: string;
  displayName: string;
  wellknownListName?: string;
  isShared?: boolean;
}

interface ShapedTask {
  id: string;
  title: string;
  status: string;
  importance?: string;
  /** Due date-time with its zone, e.g. "2026-05-04T00:00:00 UTC". */
  due?: string;
  notes?: string;
}

function shapeList(l: GraphTaskList, id: string): ShapedList {
  const out: ShapedList = { id, displayName: plainLine(l.displayName, 200) || '(unnamed)' };
  if (l.wellknownListName && l.wellknownListName !== 'none') out.wellknownListName = l.wellknownListName;
  if (l.isShared !== undefined) out.isShared = l.isShared;
  return out;
}

function shapeTask(t: GraphTask, id: string, notesChars: number): ShapedTask {
  const out: ShapedTask = { id, title: plainLine(t.title, 300) || '(untitled)', status: t.status ?? 'notStarted' };
  if (t.importance && t.importance !== 'normal') out.importance = t.importance;
  if (t.dueDateTime?.dateTime)
    out.due = `${t.dueDateTime.dateTime.replace(/\.\d+$/, '')} ${t.dueDateTime.timeZone ?? 'UTC'}`;
  const notes = withoutControls(bodyToText(t.body));
  if (notes) out.notes = clip(notes, notesChars);
  return out;
}

function listLine(l: ShapedList): string {
  const marks = `${l.wellknownListName === 'defaultList' ? ' (default)' : ''}${l.isShared ? ' (shared)' : ''}`;
  return `- [${l.id}] ${l.displayName}${marks}`;
}

function taskLine(t: ShapedTask): string {
  const extra = [
    t.status === 'completed' ? 'done' : t.status !== 'notStarted' ? t.status : '',
    t.importance ? `${t.importance} importance` : '',
    t.due ? `due ${t.due.slice(0, 10)}` : '',
  ].filter(Boolean);
  const notes = t.notes ? `\n  notes: ${plainLine(t.notes, 200)}` : '';
  return `- [${t.id}] ${t.title}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}${notes}`;
}

function tasksPath(listId: string): string {
  return `/me/todo/lists/${pathSegment(listId)}/tasks`;
}

/** The list's display name for approval summaries (the first pages of lists; falls back to the id). */
async function listName(ctx: ToolContext, listId: string): Promise<string> {
  let cursor: string | undefined;
  for (let i = 0; i < 5; i++) {
    const page = await ctx.graph.page<GraphTaskList>(
      { method: 'GET', path: '/me/todo/lists', pathTemplate: '/me/todo/lists', scopes: READ },
      cursor,
    );
    const found = page.items.find((l) => l.id === listId);
    if (found) return `"${plainLine(found.displayName, 200) || '(unnamed)'}"`;
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return `list ${listId}`;
}

// ------------------------------------------------------------------------------------------------

const listIdInput = z.string().min(1).max(500).describe('From list_task_lists.');
const timeZoneInput = z.string().default('UTC').describe('Zone of dueDate (IANA or Windows). Default UTC.');
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function dueOf(dueDate: string, timeZone: string): { dateTime: string; timeZone: string } {
  if (!safeZoneName(timeZone)) throw new ToolError('INVALID_INPUT', `timeZone "${timeZone}" is not a time zone name.`);
  return toWallDateTime(`${dueDate}T00:00:00`, timeZone, 'dueDate');
}

const listTaskLists = defineTool({
  name: 'list_task_lists',
  group: 'tasks',
  title: 'List To Do lists',
  description: 'Lists your Microsoft To Do task lists (name, id; the default list is marked).',
  scopes: READ,
  write: false,
  inputSchema: () => ({ cursor: cursorInput }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const { text } = await listPage(
      ctx,
      { method: 'GET', path: '/me/todo/lists', pathTemplate: '/me/todo/lists', scopes: READ },
      input.cursor,
      {
        key: 'lists',
        idKind: 'taskList',
        shape: shapeList,
        line: listLine,
        head: (items) => `${items.length} list(s); [id] is listId:`,
        hint: 'get the rest with the cursor',
      },
    );
    return { text };
  },
});

const listTasks = defineTool({
  name: 'list_tasks',
  group: 'tasks',
  title: 'List To Do tasks',
  description:
    'Lists tasks of one To Do list: title, status, importance, due date, notes and id. Open tasks only unless ' +
    'includeCompleted.',
  scopes: READ,
  write: false,
  inputSchema: () => ({
    listId: listIdInput,
    includeCompleted: z.boolean().default(false),
    top: z.number().int().min(1).max(100).default(50),
    cursor: cursorInput,
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const query: Record<string, string | number> = { $top: input.top };
    if (!input.includeCompleted) query.$filter = "status ne 'completed'";
    const listId = await resolveId(ctx, 'taskList', input.listId);
    const { text } = await listPage(
      ctx,
      { method: 'GET', path: tasksPath(listId), pathTemplate: '/me/todo/lists/{id}/tasks', query, scopes: READ },
      input.cursor,
      {
        key: 'tasks',
        idKind: 'task',
        shape: (t: GraphTask, id) => shapeTask(t, id, 500),
        line: taskLine,
        head: (items) => `${items.length} ${input.includeCompleted ? '' : 'open '}task(s); [id] for update_task:`,
      },
    );
    return { text };
  },
});

const createTask = defineTool({
  name: 'create_task',
  group: 'tasks',
  title: 'Create a To Do task',
  description: 'Creates a task in a To Do list, with optional notes, due date and importance. The user approves first.',
  scopes: [...READ, ...WRITE],
  write: true,
  inputSchema: () => ({
    listId: listIdInput,
    title: z.string().min(1).max(255),
    notes: z.string().max(10000).optional(),
    dueDate: z.string().regex(DATE, 'use YYYY-MM-DD').optional().describe('YYYY-MM-DD.'),
    timeZone: timeZoneInput,
    importance: z.enum(['low', 'normal', 'high']).default('normal'),
  }),
  annotations: CREATE_ANNOTATIONS,
  async run(input, ctx) {
    const due = input.dueDate !== undefined ? dueOf(input.dueDate, input.timeZone) : undefined;
    const listId = await resolveId(ctx, 'taskList', input.listId);
    const list = await listName(ctx, listId);
    const title = plainLine(input.title, 255) || '(untitled)';
    const details: Record<string, string> = { List: list, Title: title };
    if (input.dueDate) details.Due = input.dueDate;
    if (input.importance !== 'normal') details.Importance = input.importance;
    if (input.notes) details.Notes = clip(input.notes, 1000);
    await ctx.approve(
      clip(`Create To Do task "${title}" in ${list}${input.dueDate ? `, due ${input.dueDate}` : ''}`, 1000),
      details,
    );
    const body: Record<string, unknown> = { title, importance: input.importance };
    if (input.notes) body.body = { contentType: 'text', content: input.notes };
    if (due) body.dueDateTime = due;
    const created = await ctx.graph.request<GraphTask>({
      method: 'POST',
      path: tasksPath(listId),
      pathTemplate: '/me/todo/lists/{id}/tasks',
      body,
      scopes: WRITE,
    });
    const task = shapeTask(created, await shortId(ctx, 'task', created.id), 1000);
    return { text: `Created task in ${list}:\n${taskLine(task)}` };
  },
});

interface TaskChanges {
  title?: string | undefined;
  notes?: string | undefined;
  dueDate?: string | undefined;
  timeZone: string;
  importance?: 'low' | 'normal' | 'high' | undefined;
}

/** The PATCH body and the approval lines of an `update`; at least one field must change. */
function updateBody(input: TaskChanges): { body: Record<string, unknown>; changes: Record<string, string> } {
  const body: Record<string, unknown> = {};
  const changes: Record<string, string> = {};
  if (input.title !== undefined) {
    body.title = plainLine(input.title, 255) || '(untitled)';
    changes.Title = String(body.title);
  }
  if (input.notes !== undefined) {
    body.body = { contentType: 'text', content: input.notes };
    changes.Notes = input.notes === '' ? '(cleared)' : clip(input.notes, 1000);
  }
  if (input.dueDate !== undefined) {
    body.dueDateTime = input.dueDate === 'none' ? null : dueOf(input.dueDate, input.timeZone);
    changes.Due = input.dueDate === 'none' ? '(none)' : input.dueDate;
  }
  if (input.importance !== undefined) {
    body.importance = input.importance;
    changes.Importance = input.importance;
  }
  if (Object.keys(body).length === 0)
    throw new ToolError(
      'INVALID_INPUT',
      'action "update" needs a field to change: title, notes, dueDate or importance.',
    );
  return { body, changes };
}

const ACTION_STATUS = { complete: 'completed', reopen: 'notStarted' } as const;

const updateTask = defineTool({
  name: 'update_task',
  group: 'tasks',
  title: 'Update, complete or delete a To Do task',
  description:
    'Changes a To Do task: update (title, notes, dueDate, importance), complete, reopen, or delete. The user ' +
    'approves first.',
  scopes: [...READ, ...WRITE],
  write: true,
  inputSchema: () => ({
    listId: listIdInput,
    taskId: z.string().min(1).max(500).describe('From list_tasks.'),
    action: z.enum(['update', 'complete', 'reopen', 'delete']),
    title: z.string().min(1).max(255).optional(),
    notes: z.string().max(10000).optional().describe('Replaces the notes ("" clears them).'),
    dueDate: z
      .string()
      .regex(/^(\d{4}-\d{2}-\d{2}|none)$/, 'use YYYY-MM-DD or none')
      .optional()
      .describe('YYYY-MM-DD, or "none" to clear.'),
    timeZone: timeZoneInput,
    importance: z.enum(['low', 'normal', 'high']).optional(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async run(input, ctx) {
    const fields = input.action === 'update' ? updateBody(input) : undefined;
    if (!fields && [input.title, input.notes, input.dueDate, input.importance].some((v) => v !== undefined))
      throw new ToolError(
        'INVALID_INPUT',
        `action "${input.action}" takes no fields; use action "update" to change them.`,
      );
    const listId = await resolveId(ctx, 'taskList', input.listId);
    const taskId = await resolveId(ctx, 'task', input.taskId);
    const path = `${tasksPath(listId)}/${pathSegment(taskId)}`;
    const pathTemplate = '/me/todo/lists/{id}/tasks/{id}';
    const current = await ctx.graph.request<GraphTask>({ method: 'GET', path, pathTemplate, scopes: READ });
    const title = `"${plainLine(current.title, 300) || '(untitled)'}"`;
    if (input.action === 'delete') {
      const list = await listName(ctx, listId);
      await ctx.approve(clip(`Delete To Do task ${title} from ${list}`, 1000), { Task: title, List: list });
      await ctx.graph.request({ method: 'DELETE', path, pathTemplate, scopes: WRITE });
      return { text: `Deleted task ${title}.` };
    }
    const body = fields ? fields.body : { status: ACTION_STATUS[input.action as keyof typeof ACTION_STATUS] };
    const summary = fields
      ? `Update To Do task ${title}: ${Object.entries(fields.changes)
          .map(([k, v]) => `${k.toLowerCase()} ${plainLine(v, 100)}`)
          .join(', ')}`
      : input.action === 'complete'
        ? `Mark To Do task ${title} as completed`
        : `Reopen To Do task ${title}`;
    await ctx.approve(clip(summary, 1000), { Task: title, ...(fields?.changes ?? { Status: String(body.status) }) });
    const updated = await ctx.graph.request<GraphTask | undefined>({
      method: 'PATCH',
      path,
      pathTemplate,
      body,
      scopes: WRITE,
    });
    const task = shapeTask(updated ?? { ...current, ...body }, await shortId(ctx, 'task', taskId), 1000);
    return {
      text: `${input.action === 'update' ? 'Updated' : input.action === 'complete' ? 'Completed' : 'Reopened'}:\n${taskLine(task)}`,
    };
  },
});

export const tasksTools: ToolDefinition[] = [listTaskLists, listTasks, createTask, updateTask];
