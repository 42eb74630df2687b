/**
 * Microsoft To Do tools: list_task_lists, list_tasks, create_task, complete_task.
 * Graph: /me/todo/lists, /me/todo/lists/{id}/tasks, POST …/tasks, PATCH …/tasks/{id}.
 */
import { z } from 'zod';
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

interface GraphTaskList {
  id: string;
  displayName?: string | null;
  isOwner?: boolean;
  isShared?: boolean;
  wellknownListName?: string;
}

interface GraphTask {
  id: string;
  title?: string | null;
  status?: string;
  importance?: string;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  completedDateTime?: { dateTime?: string; timeZone?: string } | null;
  dueDateTime?: { dateTime?: string; timeZone?: string } | null;
  body?: { contentType?: string; content?: string } | null;
}

const listShape = z.object({
  id: z.string(),
  displayName: z.string(),
  wellknownListName: z.string().optional(),
  isShared: z.boolean().optional(),
});
type ShapedList = z.infer<typeof listShape>;

const taskShape = z.object({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  importance: z.string().optional(),
  due: z.string().optional().describe('Due date-time with its zone, e.g. "2026-05-04T00:00:00 UTC"'),
  completed: z.string().optional(),
  notes: z.string().optional(),
  created: z.string().optional(),
});
type ShapedTask = z.infer<typeof taskShape>;

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
  if (t.completedDateTime?.dateTime) out.completed = t.completedDateTime.dateTime.replace(/\.\d+$/, '');
  const notes = withoutControls(bodyToText(t.body));
  if (notes) out.notes = clip(notes, notesChars);
  if (t.createdDateTime) out.created = t.createdDateTime;
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
      { method: 'GET', path: '/me/todo/lists', pathTemplate: '/me/todo/lists', scopes: WRITE },
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

const listTaskLists = defineTool({
  name: 'list_task_lists',
  group: 'tasks',
  title: 'List To Do lists',
  description:
    "Lists the signed-in user's Microsoft To Do task lists (name, id; the default list is marked). Use the id with list_tasks or create_task.",
  scopes: READ,
  write: false,
  inputSchema: { cursor: cursorInput },
  outputSchema: { lists: z.array(listShape), nextCursor: z.string().nullable() },
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    return listPage(
      ctx,
      { method: 'GET', path: '/me/todo/lists', pathTemplate: '/me/todo/lists', scopes: READ },
      input.cursor,
      {
        key: 'lists',
        idKind: 'taskList',
        shape: shapeList,
        line: listLine,
        head: (items) => `${items.length} list(s); [id] for list_tasks or create_task:`,
        hint: 'get the rest with the cursor',
      },
    );
  },
});

const listTasks = defineTool({
  name: 'list_tasks',
  group: 'tasks',
  title: 'List To Do tasks',
  description:
    'Lists tasks in one To Do list (list id from list_task_lists): title, status, importance, due date, notes and id. ' +
    'Open tasks only unless includeCompleted is true. Pages with a cursor.',
  scopes: READ,
  write: false,
  inputSchema: {
    listId: z.string().min(1).max(500).describe('Task list id from list_task_lists.'),
    includeCompleted: z.boolean().default(false).describe('Also list completed tasks.'),
    top: z.number().int().min(1).max(100).default(50).describe('Tasks per page (1–100).'),
    cursor: cursorInput,
  },
  outputSchema: { tasks: z.array(taskShape), nextCursor: z.string().nullable() },
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const query: Record<string, string | number> = { $top: input.top };
    if (!input.includeCompleted) query.$filter = "status ne 'completed'";
    const listId = await resolveId(ctx, 'taskList', input.listId);
    return listPage(
      ctx,
      { method: 'GET', path: tasksPath(listId), pathTemplate: '/me/todo/lists/{id}/tasks', query, scopes: READ },
      input.cursor,
      {
        key: 'tasks',
        idKind: 'task',
        shape: (t: GraphTask, id) => shapeTask(t, id, 500),
        line: taskLine,
        head: (items) => `${items.length} ${input.includeCompleted ? '' : 'open '}task(s); [id] for complete_task:`,
      },
    );
  },
});

const createTask = defineTool({
  name: 'create_task',
  group: 'tasks',
  title: 'Create a To Do task',
  description:
    'Creates a task in a To Do list (list id from list_task_lists) with optional notes, due date and importance. ' +
    'The user is asked to approve first. Returns the new task.',
  scopes: WRITE,
  write: true,
  inputSchema: {
    listId: z.string().min(1).max(500).describe('Task list id from list_task_lists.'),
    title: z.string().min(1).max(255).describe('Task title.'),
    notes: z.string().max(10000).optional().describe('Task notes (plain text).'),
    dueDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
      .optional()
      .describe('Due date, YYYY-MM-DD.'),
    timeZone: z.string().default('UTC').describe('Time zone of the due date (IANA or Windows name). Default UTC.'),
    importance: z.enum(['low', 'normal', 'high']).default('normal').describe('Importance.'),
  },
  outputSchema: { task: taskShape, listId: z.string() },
  annotations: CREATE_ANNOTATIONS,
  async run(input, ctx) {
    if (!safeZoneName(input.timeZone))
      throw new ToolError('INVALID_INPUT', `timeZone "${input.timeZone}" is not a time zone name.`);
    const due =
      input.dueDate !== undefined ? toWallDateTime(`${input.dueDate}T00:00:00`, input.timeZone, 'dueDate') : undefined;
    const listId = await resolveId(ctx, 'taskList', input.listId);
    const list = await listName(ctx, listId);
    const details: Record<string, string> = { List: list, Title: input.title };
    if (input.dueDate) details.Due = input.dueDate;
    if (input.importance !== 'normal') details.Importance = input.importance;
    if (input.notes) details.Notes = clip(input.notes, 1000);
    await ctx.approve(
      clip(`Create To Do task "${input.title}" in ${list}${input.dueDate ? `, due ${input.dueDate}` : ''}`, 1000),
      details,
    );
    const body: Record<string, unknown> = { title: input.title, importance: input.importance };
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
    return { text: `Created task in ${list}:\n${taskLine(task)}`, structured: { task, listId: input.listId } };
  },
});

const completeTask = defineTool({
  name: 'complete_task',
  group: 'tasks',
  title: 'Complete a To Do task',
  description:
    'Marks a To Do task as completed (list id and task id from list_tasks). The user is asked to approve first.',
  scopes: WRITE,
  write: true,
  inputSchema: {
    listId: z.string().min(1).max(500).describe('Task list id.'),
    taskId: z.string().min(1).max(500).describe('Task id from list_tasks.'),
  },
  outputSchema: { task: taskShape, listId: z.string() },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(input, ctx) {
    const listId = await resolveId(ctx, 'taskList', input.listId);
    const taskId = await resolveId(ctx, 'task', input.taskId);
    const path = `${tasksPath(listId)}/${pathSegment(taskId)}`;
    const current = await ctx.graph.request<GraphTask>({
      method: 'GET',
      path,
      pathTemplate: '/me/todo/lists/{id}/tasks/{id}',
      scopes: WRITE,
    });
    const title = current.title ?? '(untitled)';
    await ctx.approve(clip(`Mark To Do task "${title}" as completed`, 1000), { Task: title, Status: 'completed' });
    const updated = await ctx.graph.request<GraphTask | undefined>({
      method: 'PATCH',
      path,
      pathTemplate: '/me/todo/lists/{id}/tasks/{id}',
      body: { status: 'completed' },
      scopes: WRITE,
    });
    const task = shapeTask(updated ?? { ...current, status: 'completed' }, input.taskId, 1000);
    return { text: `Completed: ${task.title}`, structured: { task, listId: input.listId } };
  },
});

export const tasksTools: ToolDefinition[] = [listTaskLists, listTasks, createTask, completeTask];
