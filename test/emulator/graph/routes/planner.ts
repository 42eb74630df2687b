/**
 * Planner: the plans of the user's groups (`/me/planner/plans`, `/groups/{id}/planner/plans`), one
 * plan, its buckets and tasks, tasks assigned to the user, and one task (get, create, update,
 * delete). Planner versions everything with etags (resources/planner-overview.md): PATCH and DELETE
 * need `If-Match` with the task's last etag — without it 412 "The If-Match header must be specified
 * for this kind of request." (as real Planner answers), with an older one 412 too, with a value that
 * is no etag 400 — and every change gives the task a new etag. A PATCH answers 204, or 200 with the
 * task under `Prefer: return=representation`.
 */
import { badRequest, GraphHttpError, invalidJsonPayload } from '../errors.ts';
import { emptyResponse, jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { PlannerPlan, PlannerState, PlannerTask } from '../model-planner.ts';
import { applySelect, parseSelect, parseTop } from '../odata/options.ts';
import { collection, tokenPage } from '../odata/paging.ts';
import { meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { isoZ } from '../seed/prng.ts';
import { identity, newPlannerTask, plannerEtag, plannerId } from '../seed/planner.ts';

function planner(ctx: RouteContext): PlannerState {
  return ctx.store.tenant().planner;
}

/** Planner's errors carry an empty code; the texts below are unverified unless noted. */
function plannerError(status: number, message: string, code = ''): GraphHttpError {
  return new GraphHttpError({ status, code, message });
}

function notFoundError(): GraphHttpError {
  return plannerError(404, 'The requested item is not found.');
}

function isMember(ctx: RouteContext, plan: PlannerPlan): boolean {
  const team = ctx.store.tenant().teams.find((t) => t.id === plan.container.containerId);
  return team?.memberIds.includes(ctx.me.id) === true;
}

function planOrThrow(ctx: RouteContext, id: string | undefined): PlannerPlan {
  const plan = planner(ctx).plans.find((p) => p.id === id);
  if (!plan) throw notFoundError();
  if (!isMember(ctx, plan)) throw plannerError(403, 'You do not have the required permissions to access this item.');
  return plan;
}

function taskOrThrow(ctx: RouteContext): PlannerTask {
  const task = planner(ctx).tasks.find((t) => t.id === ctx.params[0]);
  if (!task) throw notFoundError();
  planOrThrow(ctx, task.planId);
  return task;
}

function page(ctx: RouteContext, items: readonly object[], typeName: string, context: string): GraphResponse {
  const select = parseSelect(ctx.req.query, { typeName, code: '' });
  const top = parseTop(ctx.req.query, { def: 100, max: 100 });
  const p = tokenPage(items, { req: ctx.req, base: ctx.base, top });
  return jsonResponse(200, collection(context, { ...p, items: p.items.map((i) => applySelect(i, select)) }));
}

function myPlans(ctx: RouteContext): GraphResponse {
  const plans = planner(ctx).plans.filter((p) => isMember(ctx, p));
  return page(ctx, plans, 'microsoft.graph.plannerPlan', meContext(ctx, 'planner/plans'));
}

function groupPlans(ctx: RouteContext): GraphResponse {
  const team = ctx.store.tenant().teams.find((t) => t.id === ctx.params[0]);
  if (!team) throw plannerError(404, `Resource '${ctx.params[0] ?? ''}' does not exist.`, 'Request_ResourceNotFound');
  if (!team.memberIds.includes(ctx.me.id))
    throw plannerError(403, 'You do not have the required permissions to access this item.');
  const plans = planner(ctx).plans.filter((p) => p.container.containerId === team.id);
  return page(ctx, plans, 'microsoft.graph.plannerPlan', `${ctx.base}/$metadata#groups('${team.id}')/planner/plans`);
}

function getPlan(ctx: RouteContext): GraphResponse {
  const plan = planOrThrow(ctx, ctx.params[0]);
  const select = parseSelect(ctx.req.query, { typeName: 'microsoft.graph.plannerPlan', code: '' });
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#planner/plans/$entity`,
    ...applySelect(plan, select),
  });
}

function planBuckets(ctx: RouteContext): GraphResponse {
  const plan = planOrThrow(ctx, ctx.params[0]);
  const buckets = planner(ctx).buckets.filter((b) => b.planId === plan.id);
  return page(
    ctx,
    buckets,
    'microsoft.graph.plannerBucket',
    `${ctx.base}/$metadata#planner/plans('${plan.id}')/buckets`,
  );
}

function planTasks(ctx: RouteContext): GraphResponse {
  const plan = planOrThrow(ctx, ctx.params[0]);
  const tasks = planner(ctx).tasks.filter((t) => t.planId === plan.id);
  return page(ctx, tasks, 'microsoft.graph.plannerTask', `${ctx.base}/$metadata#planner/plans('${plan.id}')/tasks`);
}

function myTasks(ctx: RouteContext): GraphResponse {
  const tasks = planner(ctx).tasks.filter((t) => ctx.me.id in t.assignments);
  return page(ctx, tasks, 'microsoft.graph.plannerTask', meContext(ctx, 'planner/tasks'));
}

function getTask(ctx: RouteContext): GraphResponse {
  const select = parseSelect(ctx.req.query, { typeName: 'microsoft.graph.plannerTask', code: '' });
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#planner/tasks/$entity`,
    ...applySelect(taskOrThrow(ctx), select),
  });
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Applies the writable fields Graph Bridge uses (title, bucket, dates, progress, priority). */
function applyFields(ctx: RouteContext, task: PlannerTask, json: Record<string, unknown>): void {
  if ('planId' in json && json.planId !== task.planId) throw badRequest('', 'The planId of a task cannot be changed.');
  if ('title' in json) {
    if (typeof json.title !== 'string' || json.title.trim() === '')
      throw badRequest('', 'The task title cannot be empty.');
    task.title = json.title;
  }
  if ('bucketId' in json) {
    const bucket = planner(ctx).buckets.find((b) => b.id === json.bucketId);
    if (json.bucketId !== null && (!bucket || bucket.planId !== task.planId))
      throw badRequest('', 'The bucket must be in the same plan as the task.');
    task.bucketId = bucket?.id ?? null;
  }
  for (const field of ['dueDateTime', 'startDateTime'] as const) {
    if (!(field in json)) continue;
    const v = json[field];
    if (v !== null && (typeof v !== 'string' || !ISO.test(v)))
      throw badRequest('', `Invalid value for ${field}: an ISO 8601 date and time with a zone is required.`);
    task[field] = v === null ? null : isoZ(Date.parse(v));
  }
  if (task.startDateTime && task.dueDateTime && task.startDateTime > task.dueDateTime)
    throw badRequest('', 'The start date of the task is later than its due date.');
  if ('percentComplete' in json) {
    const v = json.percentComplete;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100)
      throw badRequest('', 'percentComplete must be an integer from 0 to 100.');
    task.percentComplete = v;
    task.completedDateTime = v === 100 ? isoZ(ctx.nowMs) : null;
    task.completedBy = v === 100 ? identity(ctx.me.id) : null;
  }
  if ('priority' in json) {
    const v = json.priority;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 10)
      throw badRequest('', 'priority must be an integer from 0 to 10.');
    task.priority = v;
  }
}

function nextEtag(ctx: RouteContext): string {
  const state = planner(ctx);
  state.version += 1;
  return plannerEtag('Task', state.version);
}

function createTask(ctx: RouteContext): GraphResponse {
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  if (typeof json.planId !== 'string') throw badRequest('', 'The planId of the task is required.');
  const plan = planOrThrow(ctx, json.planId);
  if (typeof json.title !== 'string' || json.title.trim() === '')
    throw badRequest('', 'The task title cannot be empty.');
  const task = newPlannerTask(
    { '@odata.etag': '', id: plannerId(ctx.store.rng()), planId: plan.id, bucketId: null, title: json.title },
    ctx.me.id,
    ctx.nowMs,
  );
  applyFields(ctx, task, json);
  task['@odata.etag'] = nextEtag(ctx);
  planner(ctx).tasks.push(task);
  return jsonResponse(201, { '@odata.context': `${ctx.base}/$metadata#planner/tasks/$entity`, ...task });
}

/** The If-Match rule of PATCH and DELETE (see the file comment). */
function checkIfMatch(ctx: RouteContext, task: PlannerTask): void {
  const ifMatch = ctx.req.headers['if-match'];
  if (ifMatch === undefined || ifMatch.trim() === '')
    throw plannerError(412, 'The If-Match header must be specified for this kind of request.');
  const value = ifMatch.trim();
  if (value === '*') return;
  if (!/^(W\/)?"[^"]*"$/.test(value)) throw plannerError(400, 'The If-Match header contains an invalid value.');
  // Observed for a stale etag: 412 with code "UnknownError" and an empty message (docs-contrib#8161).
  if (value !== task['@odata.etag']) throw plannerError(412, '', 'UnknownError');
}

function patchTask(ctx: RouteContext): GraphResponse {
  const task = taskOrThrow(ctx);
  checkIfMatch(ctx, task);
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  const draft: PlannerTask = { ...task };
  applyFields(ctx, draft, json);
  Object.assign(task, draft, { '@odata.etag': nextEtag(ctx) });
  const prefer = (ctx.req.headers.prefer ?? '').toLowerCase();
  if (prefer.includes('return=representation'))
    return jsonResponse(200, { '@odata.context': `${ctx.base}/$metadata#planner/tasks/$entity`, ...task });
  return emptyResponse(204);
}

function deleteTask(ctx: RouteContext): GraphResponse {
  const task = taskOrThrow(ctx);
  checkIfMatch(ctx, task);
  const state = planner(ctx);
  state.tasks = state.tasks.filter((t) => t.id !== task.id);
  return emptyResponse(204);
}

const ID = '([^/]+)';
export const plannerRoutes: Route[] = [
  { method: 'GET', pattern: /^\/me\/planner\/plans\/?$/, scope: SCOPES.plannerRead, handler: myPlans },
  { method: 'GET', pattern: /^\/me\/planner\/tasks\/?$/, scope: SCOPES.plannerRead, handler: myTasks },
  {
    method: 'GET',
    pattern: new RegExp(`^/groups/${ID}/planner/plans/?$`),
    scope: SCOPES.plannerRead,
    handler: groupPlans,
  },
  { method: 'GET', pattern: new RegExp(`^/planner/plans/${ID}/?$`), scope: SCOPES.plannerRead, handler: getPlan },
  {
    method: 'GET',
    pattern: new RegExp(`^/planner/plans/${ID}/buckets/?$`),
    scope: SCOPES.plannerRead,
    handler: planBuckets,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/planner/plans/${ID}/tasks/?$`),
    scope: SCOPES.plannerRead,
    handler: planTasks,
  },
  { method: 'POST', pattern: /^\/planner\/tasks\/?$/, scope: SCOPES.plannerWrite, handler: createTask },
  { method: 'GET', pattern: new RegExp(`^/planner/tasks/${ID}/?$`), scope: SCOPES.plannerRead, handler: getTask },
  { method: 'PATCH', pattern: new RegExp(`^/planner/tasks/${ID}/?$`), scope: SCOPES.plannerWrite, handler: patchTask },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/planner/tasks/${ID}/?$`),
    scope: SCOPES.plannerWrite,
    handler: deleteTask,
  },
];
