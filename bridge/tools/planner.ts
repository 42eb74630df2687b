/**
 * Planner tools (group `planner`): list_planner (the plans of your groups, or one plan's buckets and
 * tasks) and save_planner_task (create a task, or update one). Planner versions every task with an
 * etag: an update first GETs the task, shows the person what it is, and PATCHes with `If-Match: <that
 * etag>` — if someone changed the task in between (while the approval was open), Graph answers 412
 * and the tool says so instead of overwriting their change. Tasks.Read/Tasks.ReadWrite cover the
 * plans of the user's groups; Group.Read.All is not needed. Results are text only.
 */
import { z } from 'zod';
import type { PlannerBucket, PlannerPlan, PlannerTask } from '@microsoft/microsoft-graph-types';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { ToolError, type ToolContext, type ToolDefinition } from './tool.ts';
import { CREATE_ANNOTATIONS, READ_ANNOTATIONS, defineTool } from './shared/define.ts';
import { cursorInput, listText, pageIds } from './shared/list.ts';
import { resolveId, shortId, shortIds } from './shared/ids.ts';
import { pathSegment } from './shared/paths.ts';
import { clip, plainLine } from './shared/text.ts';

const READ = GROUP_SCOPES.planner.read;
const WRITE = GROUP_SCOPES.planner.write;

type WithId<T> = T & { id: string };

const PRIORITY = { urgent: 1, important: 3, medium: 5, low: 9 } as const;
type Priority = keyof typeof PRIORITY;

/** Planner's 0–10 priority as the four names its apps show. */
export function priorityName(p: number | null | undefined): Priority {
  if (p === null || p === undefined) return 'medium';
  return p <= 1 ? 'urgent' : p <= 4 ? 'important' : p <= 7 ? 'medium' : 'low';
}

export function taskLine(t: WithId<PlannerTask>, id: string, bucket: string | undefined): string {
  const done = t.percentComplete === 100;
  const extra = [
    bucket,
    done ? 'done' : t.percentComplete ? `${t.percentComplete}%` : '',
    t.dueDateTime ? `due ${t.dueDateTime.slice(0, 10)}` : '',
    priorityName(t.priority) === 'medium' ? '' : priorityName(t.priority),
    Object.keys(t.assignments ?? {}).length ? `${Object.keys(t.assignments ?? {}).length} assignee(s)` : '',
  ].filter(Boolean);
  return `- [${id}] ${plainLine(t.title, 300) || '(untitled)'}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

function planPath(planId: string): string {
  return `/planner/plans/${pathSegment(planId)}`;
}

async function planTitle(ctx: ToolContext, planId: string): Promise<string> {
  const plan = await ctx.graph.request<WithId<PlannerPlan>>({
    method: 'GET',
    path: planPath(planId),
    pathTemplate: '/planner/plans/{id}',
    query: { $select: 'id,title' },
    scopes: READ,
  });
  return `"${plainLine(plan.title, 200) || '(untitled plan)'}"`;
}

async function buckets(ctx: ToolContext, planId: string): Promise<WithId<PlannerBucket>[]> {
  const page = await ctx.graph.page<WithId<PlannerBucket>>({
    method: 'GET',
    path: `${planPath(planId)}/buckets`,
    pathTemplate: '/planner/plans/{id}/buckets',
    query: { $select: 'id,name,orderHint' },
    scopes: READ,
  });
  return page.items;
}

function bucketName(list: readonly WithId<PlannerBucket>[], id: string | null | undefined): string | undefined {
  const b = list.find((x) => x.id === id);
  return b ? `"${plainLine(b.name, 100) || '(unnamed)'}"` : undefined;
}

const TASK_SELECT = 'id,title,bucketId,percentComplete,dueDateTime,priority,assignments';

const listPlanner = defineTool({
  name: 'list_planner',
  group: 'planner',
  title: 'List Planner plans or tasks',
  description:
    "Lists the Planner plans of your groups; with planId, that plan's buckets and tasks (bucket, progress, due date, " +
    'priority) with ids.',
  scopes: READ,
  write: false,
  inputSchema: () => ({ planId: z.string().min(1).max(500).optional(), cursor: cursorInput }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    if (input.planId === undefined) {
      const page = await ctx.graph.page<WithId<PlannerPlan>>(
        {
          method: 'GET',
          path: '/me/planner/plans',
          pathTemplate: '/me/planner/plans',
          query: { $select: 'id,title' },
          scopes: READ,
        },
        input.cursor,
      );
      const ids = await pageIds(ctx, 'plan', page.items);
      const lines = page.items.map((p, i) => `- [${ids[i] ?? p.id}] ${plainLine(p.title, 200) || '(untitled)'}`);
      return {
        text: listText(`${lines.length} plan(s); [id] is planId:`, lines, page.nextCursor, ctx.limits.maxResultChars),
      };
    }
    const planId = await resolveId(ctx, 'plan', input.planId);
    const [title, bucketList, page] = await Promise.all([
      planTitle(ctx, planId),
      buckets(ctx, planId),
      ctx.graph.page<WithId<PlannerTask>>(
        {
          method: 'GET',
          path: `${planPath(planId)}/tasks`,
          pathTemplate: '/planner/plans/{id}/tasks',
          query: { $select: TASK_SELECT },
          scopes: READ,
        },
        input.cursor,
      ),
    ]);
    const bucketIds = await shortIds(
      ctx,
      'bucket',
      bucketList.map((b) => b.id),
    );
    const taskIds = await pageIds(ctx, 'plannerTask', page.items);
    const head =
      `Plan ${title}. Buckets: ${bucketList.map((b, i) => `[${bucketIds[i] ?? b.id}] ${bucketName(bucketList, b.id) ?? ''}`).join(' · ') || '(none)'}\n` +
      `${page.items.length} task(s); [id] is taskId:`;
    const lines = page.items.map((t, i) => taskLine(t, taskIds[i] ?? t.id, bucketName(bucketList, t.bucketId)));
    return { text: listText(head, lines, page.nextCursor, ctx.limits.maxResultChars) };
  },
});

interface TaskFields {
  title?: string | undefined;
  bucketId?: string | undefined;
  dueDate?: string | undefined;
  percentComplete?: number | undefined;
  priority?: Priority | undefined;
}

/**
 * The request body and approval lines for the fields given. A due date is stored at 12:00 UTC, so
 * Planner shows the same date in every time zone from UTC−11 to UTC+11.
 */
function taskBody(
  input: TaskFields,
  bucketLabel: string | undefined,
): { body: Record<string, unknown>; lines: Record<string, string> } {
  const body: Record<string, unknown> = {};
  const lines: Record<string, string> = {};
  if (input.title !== undefined) {
    lines.Title = plainLine(input.title, 255) || '(untitled)';
    body.title = lines.Title;
  }
  if (input.bucketId !== undefined) {
    body.bucketId = input.bucketId;
    lines.Bucket = bucketLabel ?? input.bucketId;
  }
  if (input.dueDate !== undefined) {
    body.dueDateTime = input.dueDate === 'none' ? null : `${input.dueDate}T12:00:00Z`;
    lines.Due = input.dueDate;
  }
  if (input.percentComplete !== undefined) {
    body.percentComplete = input.percentComplete;
    lines.Progress = `${input.percentComplete}%`;
  }
  if (input.priority !== undefined) {
    body.priority = PRIORITY[input.priority];
    lines.Priority = input.priority;
  }
  return { body, lines };
}

function changeList(lines: Record<string, string>): string {
  return Object.entries(lines)
    .map(([k, v]) => `${k.toLowerCase()} ${clip(v, 100)}`)
    .join(', ');
}

const savePlannerTask = defineTool({
  name: 'save_planner_task',
  group: 'planner',
  title: 'Create or update a Planner task',
  description:
    'Creates a task in a plan (planId + title) or updates one (taskId), after the user approves. If someone changed ' +
    'the task after it was read, nothing is saved and it says so.',
  scopes: [...READ, ...WRITE],
  write: true,
  inputSchema: () => ({
    taskId: z.string().min(1).max(500).optional().describe('Update this task.'),
    planId: z.string().min(1).max(500).optional().describe('Create in this plan.'),
    bucketId: z.string().min(1).max(500).optional(),
    title: z.string().min(1).max(255).optional(),
    dueDate: z
      .string()
      .regex(/^(\d{4}-\d{2}-\d{2}|none)$/, 'use YYYY-MM-DD or none')
      .optional()
      .describe('YYYY-MM-DD, or "none" to clear.'),
    percentComplete: z.number().int().min(0).max(100).optional().describe('100 completes it.'),
    priority: z.enum(['urgent', 'important', 'medium', 'low']).optional(),
  }),
  annotations: CREATE_ANNOTATIONS,
  async run(input, ctx) {
    if ((input.taskId === undefined) === (input.planId === undefined))
      throw new ToolError('INVALID_INPUT', 'Give taskId to update a task, or planId (and title) to create one.');
    const bucketId = input.bucketId === undefined ? undefined : await resolveId(ctx, 'bucket', input.bucketId);
    return input.taskId === undefined
      ? createTask(ctx, { ...input, bucketId, planId: await resolveId(ctx, 'plan', input.planId ?? '') })
      : updateTask(ctx, { ...input, bucketId, taskId: await resolveId(ctx, 'plannerTask', input.taskId) });
  },
});

async function createTask(ctx: ToolContext, input: TaskFields & { planId: string }): Promise<{ text: string }> {
  if (input.title === undefined) throw new ToolError('INVALID_INPUT', 'A new task needs a title.');
  const [plan, bucketList] = await Promise.all([planTitle(ctx, input.planId), buckets(ctx, input.planId)]);
  if (input.bucketId !== undefined && !bucketName(bucketList, input.bucketId))
    throw new ToolError('INVALID_INPUT', 'bucketId is not a bucket of this plan (see list_planner with planId).');
  const { body, lines } = taskBody(input, bucketName(bucketList, input.bucketId));
  await ctx.approve(clip(`Create Planner task "${lines.Title ?? ''}" in plan ${plan}`, 1000), { Plan: plan, ...lines });
  const created = await ctx.graph.request<WithId<PlannerTask>>({
    method: 'POST',
    path: '/planner/tasks',
    pathTemplate: '/planner/tasks',
    body: { planId: input.planId, ...body },
    scopes: WRITE,
  });
  const id = await shortId(ctx, 'plannerTask', created.id);
  return { text: `Created in plan ${plan}:\n${taskLine(created, id, bucketName(bucketList, created.bucketId))}` };
}

async function updateTask(ctx: ToolContext, input: TaskFields & { taskId: string }): Promise<{ text: string }> {
  const path = `/planner/tasks/${pathSegment(input.taskId)}`;
  const current = await ctx.graph.request<WithId<PlannerTask> & { '@odata.etag'?: string }>({
    method: 'GET',
    path,
    pathTemplate: '/planner/tasks/{id}',
    scopes: READ,
  });
  const etag = current['@odata.etag'];
  if (!etag) throw new ToolError('GRAPH_ERROR', 'Planner returned the task without an etag; nothing was changed.');
  const bucketList = input.bucketId === undefined ? [] : await buckets(ctx, current.planId ?? '');
  if (input.bucketId !== undefined && !bucketName(bucketList, input.bucketId))
    throw new ToolError('INVALID_INPUT', "bucketId is not a bucket of the task's plan (see list_planner with planId).");
  const { body, lines } = taskBody(input, bucketName(bucketList, input.bucketId));
  if (Object.keys(body).length === 0)
    throw new ToolError(
      'INVALID_INPUT',
      'Nothing to change: give title, bucketId, dueDate, percentComplete or priority.',
    );
  const title = `"${plainLine(current.title, 200) || '(untitled)'}"`;
  await ctx.approve(clip(`Update Planner task ${title}: ${changeList(lines)}`, 1000), { Task: title, ...lines });
  let updated: WithId<PlannerTask> | undefined;
  try {
    updated = await ctx.graph.request<WithId<PlannerTask> | undefined>({
      method: 'PATCH',
      path,
      pathTemplate: '/planner/tasks/{id}',
      headers: { 'If-Match': etag, Prefer: 'return=representation' },
      body,
      scopes: WRITE,
    });
  } catch (error) {
    if (error instanceof ToolError && error.code === 'GRAPH_CONFLICT')
      throw new ToolError(
        'CONFLICT',
        `Planner task ${title} was changed by someone else after it was read, so nothing was saved (Planner refused the stale version). Read it again with list_planner and decide whether the change is still wanted.`,
      );
    throw error;
  }
  const task = updated ?? { ...current, ...body };
  return {
    text: `Updated:\n${taskLine(task, await shortId(ctx, 'plannerTask', input.taskId), undefined)}`,
  };
}

export const plannerTools: ToolDefinition[] = [listPlanner, savePlannerTask];
