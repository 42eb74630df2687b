/**
 * Profile group: the signed-in user, the directory (with a person's manager and direct reports), the
 * people they work with, and presence. Presence scopes are on demand: Presence.Read for your own
 * (GET /me/presence), Presence.Read.All for others (POST /communications/getPresencesByUserId, a read
 * sent as POST).
 */
import type { DirectoryObject, Person, Presence, User } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { compactJson, prune, select } from '../graph/shape.ts';
import { ToolError, type ToolContext, type ToolDefinition } from './tool.ts';
import { READ_ANNOTATIONS, defineTool } from './shared/define.ts';
import { resolveId, shortId } from './shared/ids.ts';
import { cursorInput, listText, pageIds } from './shared/list.ts';
import { pathSegment } from './shared/paths.ts';
import { plainLine } from './shared/text.ts';

const PRESENCE = GROUP_SCOPES.profile.onDemand?.read ?? [];
const [PRESENCE_MINE = 'Presence.Read', PRESENCE_ALL = 'Presence.Read.All'] = PRESENCE;

const PROFILE_FIELDS = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'jobTitle',
  'department',
  'officeLocation',
  'mobilePhone',
  'businessPhones',
  'preferredLanguage',
];
/** Properties User.ReadBasic.All returns for other users. */
const BASIC_USER_FIELDS = ['id', 'displayName', 'givenName', 'surname', 'mail', 'userPrincipalName'];

type GraphUser = User & { id: string };

const topField = (max: number, dflt: number) => z.number().int().min(1).max(max).default(dflt);

/** OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** "Ada Lovelace <ada@contoso.com>" plus the UPN when it differs from the mail address. */
function userLine(u: GraphUser, id: string): string {
  const name = plainLine(u.displayName, 200) || '(no name)';
  const mail = plainLine(u.mail, 320);
  const upn = plainLine(u.userPrincipalName, 320);
  const upnPart = upn && upn.toLowerCase() !== mail.toLowerCase() ? ` (UPN ${upn})` : '';
  return `- [${id}] ${name}${mail ? ` <${mail}>` : ''}${upnPart}`;
}

/** A user as compact JSON: only the known fields, peer text on one line, empty ones dropped. */
function userJson(u: User, fields: readonly string[], id: string): string {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = (u as Record<string, unknown>)[f];
    out[f] = typeof v === 'string' ? plainLine(v, 500) : Array.isArray(v) ? v.map((x) => plainLine(String(x), 100)) : v;
  }
  return JSON.stringify(prune({ ...out, id }));
}

export const getMyProfile = defineTool({
  name: 'get_my_profile',
  group: 'profile',
  title: 'Get my profile',
  description:
    "The signed-in user's profile (name, email, job title, department, office, phones): who 'me' is before acting for them.",
  scopes: ['User.Read'],
  write: false,
  inputSchema: () => ({}),
  annotations: READ_ANNOTATIONS,
  async run(_input, ctx) {
    const me = await ctx.graph.request<GraphUser>({
      method: 'GET',
      path: '/me',
      pathTemplate: '/me',
      query: { $select: select(PROFILE_FIELDS) },
      scopes: this.scopes,
    });
    return { text: compactJson(JSON.parse(userJson(me, PROFILE_FIELDS, me.id)), ctx.limits.maxResultChars) };
  },
});

export const searchUsers = defineTool({
  name: 'search_users',
  group: 'profile',
  title: 'Search the directory',
  description: 'People in your organization whose name, email or UPN starts with query, with ids for get_user.',
  scopes: ['User.ReadBasic.All'],
  write: false,
  inputSchema: () => ({ query: z.string().min(1).max(200), top: topField(50, 10), cursor: cursorInput }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const q = odataString(input.query.trim());
    const filter = ['displayName', 'givenName', 'surname', 'mail', 'userPrincipalName']
      .map((p) => `startswith(${p},${q})`)
      .join(' or ');
    const page = await ctx.graph.page<GraphUser>(
      {
        method: 'GET',
        path: '/users',
        pathTemplate: '/users',
        query: { $filter: filter, $select: select(BASIC_USER_FIELDS), $top: input.top },
        scopes: this.scopes,
      },
      input.cursor,
    );
    const ids = await pageIds(ctx, 'user', page.items);
    const lines = page.items.map((u, i) => userLine(u, ids[i] ?? u.id));
    return { text: listText(`${lines.length} user(s):`, lines, page.nextCursor, ctx.limits.maxResultChars) };
  },
});

// ---- get_user ------------------------------------------------------------------------------------

/** `me`, a handle, an id or an email/UPN → the path segment after /users (or `/me`). */
async function userPath(ctx: ToolContext, user: string): Promise<string> {
  if (user.trim().toLowerCase() === 'me') return '/me';
  const id = await resolveId(ctx, 'user', user);
  if (/[/?#\\]/.test(id)) throw new ToolError('INVALID_INPUT', 'user must be an id, email address or UPN, or "me".');
  return `/users/${pathSegment(id)}`;
}

async function relatedUsers(ctx: ToolContext, path: string, rel: 'manager' | 'directReports'): Promise<string[]> {
  const call = {
    method: 'GET' as const,
    path: `${path}/${rel}`,
    pathTemplate: `${path === '/me' ? '/me' : '/users/{id}'}/${rel}`,
    query: { $select: select(BASIC_USER_FIELDS) },
    scopes: ['User.ReadBasic.All'],
  };
  let found: (DirectoryObject & { id: string })[];
  if (rel === 'manager') {
    try {
      found = [await ctx.graph.request<GraphUser>(call)];
    } catch (error) {
      // No manager is a 404 for the relationship, not an error of the tool call.
      if (error instanceof ToolError && error.code === 'GRAPH_NOT_FOUND') return ['Manager: none'];
      throw error;
    }
  } else {
    found = (await ctx.graph.page<GraphUser>({ ...call, query: { ...call.query, $top: 100 } })).items;
  }
  const ids = await pageIds(ctx, 'user', found);
  const lines = found.map((u, i) => userLine(u as GraphUser, ids[i] ?? u.id));
  return rel === 'manager' ? [`Manager:`, ...lines] : [`Direct reports (${lines.length}):`, ...lines];
}

export const getUser = defineTool({
  name: 'get_user',
  group: 'profile',
  title: 'Get a user',
  description: 'One directory user (id, name, email, UPN), optionally with their manager and direct reports.',
  scopes: ['User.ReadBasic.All'],
  write: false,
  inputSchema: () => ({
    user: z.string().min(1).max(320).describe('Id from search_users, email/UPN, or "me".'),
    include: z
      .array(z.enum(['manager', 'directReports']))
      .max(2)
      .default([]),
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const path = await userPath(ctx, input.user);
    const user = await ctx.graph.request<GraphUser>({
      method: 'GET',
      path,
      pathTemplate: path === '/me' ? '/me' : '/users/{id}',
      query: { $select: select(BASIC_USER_FIELDS) },
      scopes: this.scopes,
    });
    const parts = [userJson(user, BASIC_USER_FIELDS, await shortId(ctx, 'user', user.id))];
    for (const rel of new Set(input.include)) parts.push(...(await relatedUsers(ctx, path, rel)));
    return { text: listText(parts[0] ?? '', parts.slice(1), null, ctx.limits.maxResultChars) };
  },
});

// ---- search_people -------------------------------------------------------------------------------

export const searchPeople = defineTool({
  name: 'search_people',
  group: 'profile',
  title: 'Search people I work with',
  description:
    'People relevant to you (colleagues, frequent contacts), most relevant first, fuzzy on name/email: turns "Ada" into an address.',
  scopes: ['People.Read'],
  write: false,
  inputSchema: () => ({
    query: z.string().max(200).optional().describe('Omit to list the people you work with most.'),
    top: topField(50, 10),
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const q = input.query?.replace(/"/g, '').trim();
    const page = await ctx.graph.page<Person>({
      method: 'GET',
      path: '/me/people',
      pathTemplate: '/me/people',
      query: {
        ...(q ? { $search: `"${q}"` } : {}),
        $top: input.top,
        $select: 'id,displayName,jobTitle,department,userPrincipalName,scoredEmailAddresses',
      },
      scopes: this.scopes,
    });
    const lines = page.items.map((p) => {
      const role = [plainLine(p.jobTitle, 100), plainLine(p.department, 100)].filter(Boolean).join(', ');
      const emails = (p.scoredEmailAddresses ?? []).flatMap((e) => (e.address ? [plainLine(e.address, 320)] : []));
      const list = emails.join(', ');
      return `- ${plainLine(p.displayName, 200) || '(no name)'}${list ? ` <${list}>` : ''}${role ? ` — ${role}` : ''}`;
    });
    return {
      text: listText(`${lines.length} person(s), most relevant first:`, lines, null, ctx.limits.maxResultChars),
    };
  },
});

// ---- get_presence --------------------------------------------------------------------------------

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function presenceText(p: Presence): string {
  const availability = plainLine(p.availability, 40) || 'PresenceUnknown';
  const activity = plainLine(p.activity, 40);
  const parts = [activity && activity !== availability ? `${availability} (${activity})` : availability];
  if (p.outOfOfficeSettings?.isOutOfOffice) parts.push('out of office');
  const status = plainLine(p.statusMessage?.message?.content, 200);
  if (status) parts.push(`status "${status}"`);
  return parts.join(', ');
}

/** People to look up: directory ids as they are; handles and emails resolved to ids (and names). */
async function presenceTargets(ctx: ToolContext, users: readonly string[]): Promise<{ id: string; label: string }[]> {
  const out: { id: string; label: string }[] = [];
  for (const user of users) {
    const id = await resolveId(ctx, 'user', user);
    if (GUID.test(id)) {
      out.push({ id, label: id === user.trim() ? id : user.trim() });
      continue;
    }
    const u = await ctx.graph.request<GraphUser>({
      method: 'GET',
      path: `/users/${pathSegment(id)}`,
      pathTemplate: '/users/{id}',
      query: { $select: 'id,displayName,mail' },
      scopes: ['User.ReadBasic.All'],
    });
    out.push({ id: u.id, label: `${plainLine(u.displayName, 200)} <${plainLine(u.mail ?? id, 320)}>` });
  }
  return out;
}

export const getPresence = defineTool({
  name: 'get_presence',
  group: 'profile',
  title: 'Get presence',
  description:
    'Teams presence (Available, Busy, Away, …; out of office; status message) of you, or of the users given.',
  scopes: [PRESENCE_MINE],
  write: false,
  inputSchema: () => ({
    users: z.array(z.string().min(1).max(320)).max(20).default([]).describe('Ids or emails; empty: you.'),
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    if (input.users.length === 0) {
      const mine = await ctx.graph.request<Presence>({
        method: 'GET',
        path: '/me/presence',
        pathTemplate: '/me/presence',
        scopes: [PRESENCE_MINE],
      });
      return { text: `You: ${presenceText(mine)}` };
    }
    const targets = await presenceTargets(ctx, input.users);
    const result = await ctx.graph.request<{ value?: Presence[] }>({
      method: 'POST',
      path: '/communications/getPresencesByUserId',
      pathTemplate: '/communications/getPresencesByUserId',
      body: { ids: [...new Set(targets.map((t) => t.id))] },
      scopes: [PRESENCE_ALL],
      readOnly: true,
    });
    const byId = new Map((result.value ?? []).map((p) => [p.id?.toLowerCase(), p]));
    const lines = targets.map((t) => {
      const p = byId.get(t.id.toLowerCase());
      return `- ${t.label}: ${p ? presenceText(p) : 'no presence returned'}`;
    });
    return { text: listText(`Presence of ${lines.length} user(s):`, lines, null, ctx.limits.maxResultChars) };
  },
});

export const profileTools: readonly ToolDefinition[] = [getMyProfile, searchUsers, getUser, searchPeople, getPresence];
