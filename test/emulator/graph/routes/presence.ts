/**
 * Teams presence: `GET /me/presence` (Presence.Read), `GET /users/{id}/presence` and
 * `POST /communications/getPresencesByUserId {ids}` (Presence.Read.All; ids must be object ids, at
 * most 650). Someone in a busy meeting right now is Busy/InAMeeting; anyone else gets a presence
 * derived from their id, so it is stable between calls. An id not in the directory comes back as
 * PresenceUnknown.
 */
import { badRequest, directoryNotFound, invalidJsonPayload } from '../errors.ts';
import { jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { DirectoryUser } from '../model.ts';
import type { Route, RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { hashString } from '../seed/prng.ts';
import { eventEnd, eventStart } from './calendar-time.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_IDS = 650;
const STATES: readonly (readonly [string, string])[] = [
  ['Available', 'Available'],
  ['Available', 'Available'],
  ['Away', 'Away'],
  ['BeRightBack', 'BeRightBack'],
  ['DoNotDisturb', 'Presenting'],
  ['Offline', 'OffWork'],
];

function presenceOf(ctx: RouteContext, id: string, user: DirectoryUser | undefined): Record<string, unknown> {
  const base = { id, statusMessage: null, outOfOfficeSettings: { message: null, isOutOfOffice: false } };
  if (!user) return { ...base, availability: 'PresenceUnknown', activity: 'PresenceUnknown' };
  const now = ctx.nowMs;
  const meeting = ctx.store
    .user(user.id)
    .events.some((e) => !e.isCancelled && e.showAs === 'busy' && eventStart(e) <= now && eventEnd(e) > now);
  const [availability, activity] = meeting
    ? ['Busy', 'InAMeeting']
    : (STATES[hashString(`presence:${user.id}`) % STATES.length] ?? ['Available', 'Available']);
  return { ...base, availability, activity };
}

function getMine(ctx: RouteContext): GraphResponse {
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#users('${ctx.me.id}')/presence/$entity`,
    ...presenceOf(ctx, ctx.me.id, ctx.me),
  });
}

function getUsers(ctx: RouteContext): GraphResponse {
  const key = ctx.params[0] ?? '';
  const user = ctx.store.findUser(key);
  if (!user) throw directoryNotFound(key);
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#users('${user.id}')/presence/$entity`,
    ...presenceOf(ctx, user.id, user),
  });
}

function getPresencesByUserId(ctx: RouteContext): GraphResponse {
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  const ids = json.ids;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string'))
    throw badRequest('BadRequest', "The parameter 'ids' is required and must be a non-empty list of user ids.");
  if (ids.length > MAX_IDS) throw badRequest('BadRequest', `At most ${MAX_IDS} ids may be requested at once.`);
  const bad = ids.find((x) => !GUID.test(x));
  if (bad !== undefined) throw badRequest('BadRequest', `'${bad}' is not a valid user id (a GUID is expected).`);
  const value = [...new Set(ids.map((x) => x.toLowerCase()))].map((id) =>
    presenceOf(
      ctx,
      id,
      ctx.store.directory().find((u) => u.id.toLowerCase() === id),
    ),
  );
  return jsonResponse(200, { '@odata.context': `${ctx.base}/$metadata#Collection(microsoft.graph.presence)`, value });
}

export const presenceRoutes: Route[] = [
  { method: 'GET', pattern: /^\/me\/presence\/?$/, scope: SCOPES.presenceMine, handler: getMine },
  { method: 'GET', pattern: /^\/users\/([^/]+)\/presence\/?$/, scope: SCOPES.presenceAll, handler: getUsers },
  {
    method: 'POST',
    pattern: /^\/communications\/getPresencesByUserId\/?$/i,
    scope: SCOPES.presenceAll,
    handler: getPresencesByUserId,
  },
];
