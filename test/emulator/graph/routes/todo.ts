/** Microsoft To Do (spec §9.17–§9.19): lists, tasks (list with $filter, get, create, patch, delete). */
import { badRequest, invalidJsonPayload, notFound } from '../errors.ts';
import { emptyResponse, jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { DateTimeTimeZone, TodoTask, TodoTaskList } from '../model.ts';
import { evaluateFilter, parseFilterParam } from '../odata/filter.ts';
import { applySelect, parseOrderBy, parseSelect, parseSkip, parseTop, sortBy } from '../odata/options.ts';
import { collection, skipPage } from '../odata/paging.ts';
import { meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { isoZ, outlookDateTime } from '../seed/prng.ts';
import { newTask } from '../seed/todo.ts';

const TASK_PROPS: ReadonlySet<string> = new Set([
  'id',
  'title',
  'status',
  'importance',
  'isReminderOn',
  'createdDateTime',
  'lastModifiedDateTime',
  'hasAttachments',
  'categories',
  'body',
  'dueDateTime',
  'completedDateTime',
]);
const STATUSES = ['notStarted', 'inProgress', 'completed', 'waitingOnOthers', 'deferred'] as const;

function listOrThrow(ctx: RouteContext): TodoTaskList {
  const list = ctx.store.user(ctx.me.id).todoLists.find((l) => l.id === ctx.params[0]);
  if (!list) throw notFound('ErrorItemNotFound', 'The specified object was not found in the store.');
  return list;
}

function tasksOf(ctx: RouteContext, list: TodoTaskList): TodoTask[] {
  const s = ctx.store.user(ctx.me.id);
  let tasks = s.todoTasks.get(list.id);
  if (!tasks) s.todoTasks.set(list.id, (tasks = []));
  return tasks;
}

function taskOrThrow(ctx: RouteContext, list: TodoTaskList): TodoTask {
  const t = tasksOf(ctx, list).find((x) => x.id === ctx.params[1]);
  if (!t) throw notFound('ErrorItemNotFound', 'The specified object was not found in the store.');
  return t;
}

function lists(ctx: RouteContext): GraphResponse {
  const all = ctx.store.user(ctx.me.id).todoLists;
  return jsonResponse(
    200,
    collection(meContext(ctx, 'todo/lists'), {
      items: all.map((l) => ({ '@odata.type': '#microsoft.graph.todoTaskList', ...l })),
    }),
  );
}

function getList(ctx: RouteContext): GraphResponse {
  return jsonResponse(200, { '@odata.context': meContext(ctx, 'todo/lists/$entity'), ...listOrThrow(ctx) });
}

function listTasks(ctx: RouteContext): GraphResponse {
  const list = listOrThrow(ctx);
  const q = ctx.req.query;
  let all = tasksOf(ctx, list);
  const filter = parseFilterParam(q.get('$filter'));
  if (filter) all = all.filter((t) => evaluateFilter(filter, t));
  const order = parseOrderBy(q);
  if (order) all = sortBy(all, order);
  const select = parseSelect(q, { known: TASK_PROPS, typeName: 'microsoft.graph.todoTask', code: 'BadRequest' });
  const page = skipPage(all, {
    req: ctx.req,
    base: ctx.base,
    skip: parseSkip(q),
    top: parseTop(q, { def: 100, max: 1000 }),
  });
  return jsonResponse(
    200,
    collection(meContext(ctx, `todo/lists('${list.id}')/tasks`), {
      ...page,
      items: page.items.map((t) => applySelect(t, select)),
    }),
  );
}

function applyTaskFields(ctx: RouteContext, task: TodoTask, json: Record<string, unknown>): void {
  if (typeof json.title === 'string') task.title = json.title;
  if (json.status !== undefined) {
    if (!STATUSES.includes(json.status as TodoTask['status']))
      throw badRequest('invalidRequest', `Invalid value '${JSON.stringify(json.status)}' for property 'status'.`);
    task.status = json.status as TodoTask['status'];
    if (task.status === 'completed') task.completedDateTime = { dateTime: outlookDateTime(ctx.nowMs), timeZone: 'UTC' };
    else delete task.completedDateTime;
  }
  if (json.importance === 'low' || json.importance === 'normal' || json.importance === 'high')
    task.importance = json.importance;
  if (typeof json.isReminderOn === 'boolean') task.isReminderOn = json.isReminderOn;
  if (Array.isArray(json.categories))
    task.categories = json.categories.filter((c): c is string => typeof c === 'string');
  const body = json.body as { content?: unknown; contentType?: unknown } | undefined;
  if (typeof body?.content === 'string')
    task.body = { content: body.content, contentType: body.contentType === 'html' ? 'html' : 'text' };
  const due = json.dueDateTime as DateTimeTimeZone | null | undefined;
  if (due === null) delete task.dueDateTime;
  else if (due && typeof due.dateTime === 'string')
    task.dueDateTime = { dateTime: due.dateTime, timeZone: due.timeZone || 'UTC' };
  task.lastModifiedDateTime = isoZ(ctx.nowMs);
  task['@odata.etag'] = `W/"${ctx.store.rng().b64(18)}"`;
}

function createTask(ctx: RouteContext): GraphResponse {
  const list = listOrThrow(ctx);
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  if (typeof json.title !== 'string' || json.title.trim() === '')
    throw badRequest('invalidRequest', 'The task title is required.');
  const task = newTask(ctx.store.rng(), { title: json.title }, ctx.nowMs);
  applyTaskFields(ctx, task, json);
  tasksOf(ctx, list).unshift(task);
  return jsonResponse(201, { '@odata.context': meContext(ctx, `todo/lists('${list.id}')/tasks/$entity`), ...task });
}

function getTask(ctx: RouteContext): GraphResponse {
  const list = listOrThrow(ctx);
  return jsonResponse(200, {
    '@odata.context': meContext(ctx, `todo/lists('${list.id}')/tasks/$entity`),
    ...taskOrThrow(ctx, list),
  });
}

function patchTask(ctx: RouteContext): GraphResponse {
  const list = listOrThrow(ctx);
  const task = taskOrThrow(ctx, list);
  applyTaskFields(ctx, task, readJsonBody(ctx.req.body, invalidJsonPayload));
  return jsonResponse(200, { '@odata.context': meContext(ctx, `todo/lists('${list.id}')/tasks/$entity`), ...task });
}

function deleteTask(ctx: RouteContext): GraphResponse {
  const list = listOrThrow(ctx);
  const task = taskOrThrow(ctx, list);
  const s = ctx.store.user(ctx.me.id);
  s.todoTasks.set(
    list.id,
    tasksOf(ctx, list).filter((t) => t.id !== task.id),
  );
  return emptyResponse(204);
}

function createList(ctx: RouteContext): GraphResponse {
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  if (typeof json.displayName !== 'string' || !json.displayName)
    throw badRequest('invalidRequest', 'displayName is required.');
  const rng = ctx.store.rng();
  const list: TodoTaskList = {
    '@odata.etag': `W/"${rng.b64(18)}"`,
    id: `AAMkAG${rng.b64(24)}AAA=`,
    displayName: json.displayName,
    isOwner: true,
    isShared: false,
    wellknownListName: 'none',
  };
  const s = ctx.store.user(ctx.me.id);
  s.todoLists.push(list);
  s.todoTasks.set(list.id, []);
  return jsonResponse(201, { '@odata.context': meContext(ctx, 'todo/lists/$entity'), ...list });
}

const L = '([^/]+)';
export const todoRoutes: Route[] = [
  { method: 'GET', pattern: /^\/me\/todo\/lists\/?$/, scope: SCOPES.tasksRead, handler: lists },
  { method: 'POST', pattern: /^\/me\/todo\/lists\/?$/, scope: SCOPES.tasksWrite, handler: createList },
  { method: 'GET', pattern: new RegExp(`^/me/todo/lists/${L}/?$`), scope: SCOPES.tasksRead, handler: getList },
  { method: 'GET', pattern: new RegExp(`^/me/todo/lists/${L}/tasks/?$`), scope: SCOPES.tasksRead, handler: listTasks },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/todo/lists/${L}/tasks/?$`),
    scope: SCOPES.tasksWrite,
    handler: createTask,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/todo/lists/${L}/tasks/${L}/?$`),
    scope: SCOPES.tasksRead,
    handler: getTask,
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^/me/todo/lists/${L}/tasks/${L}/?$`),
    scope: SCOPES.tasksWrite,
    handler: patchTask,
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/me/todo/lists/${L}/tasks/${L}/?$`),
    scope: SCOPES.tasksWrite,
    handler: deleteTask,
  },
];
