/**
 * Profile group: the signed-in user, the directory, and the people they work with.
 */
import { z } from 'zod';
import { compactJson, prune, select } from '../graph/shape.ts';
import { ToolError, type ToolDefinition } from './tool.ts';
import { resolveId, shortId } from './shared/ids.ts';
import { cursorInput, listText, pageIds } from './shared/list.ts';
import { plainLine } from './shared/text.ts';

const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true } as const;

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

const userShape = {
  id: z.string(),
  displayName: z.string().nullable().optional(),
  givenName: z.string().nullable().optional(),
  surname: z.string().nullable().optional(),
  mail: z.string().nullable().optional(),
  userPrincipalName: z.string().nullable().optional(),
};
const userSchema = z.object(userShape);
type User = z.infer<typeof userSchema>;

const profileShape = {
  ...userShape,
  jobTitle: z.string().nullable().optional(),
  department: z.string().nullable().optional(),
  officeLocation: z.string().nullable().optional(),
  mobilePhone: z.string().nullable().optional(),
  businessPhones: z.array(z.string()).optional(),
  preferredLanguage: z.string().nullable().optional(),
};

const topField = (max: number, dflt: number) =>
  z.number().int().min(1).max(max).optional().describe(`Items per page (default ${dflt}, max ${max})`);

/** OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function cleanUser(u: Record<string, unknown>): User {
  return prune(userSchema.parse(u)) as User;
}

/** "Ada Lovelace <ada@contoso.com>" plus the UPN when it differs from the mail address. */
function userLine(u: User): string {
  const name = plainLine(u.displayName, 200) || '(no name)';
  const mail = plainLine(u.mail, 320);
  const upn = plainLine(u.userPrincipalName, 320);
  const upnPart = upn && upn.toLowerCase() !== mail.toLowerCase() ? ` (UPN ${upn})` : '';
  return `- [${u.id}] ${name}${mail ? ` <${mail}>` : ''}${upnPart}`;
}

/** Built once: zod compiles a validator per schema object, so a schema made per call costs ~1 ms each time. */
const profileSchema = z.object(profileShape);

export const getMyProfile: ToolDefinition<Record<string, never>, typeof profileShape> = {
  name: 'get_my_profile',
  group: 'profile',
  title: 'Get my profile',
  description:
    "Returns the signed-in Microsoft 365 user's profile: name, email, job title, department, office, phones. Use it to learn who 'me' is before acting on their behalf.",
  scopes: ['User.Read'],
  write: false,
  inputSchema: {},
  outputSchema: profileShape,
  annotations: READ,
  async run(_input, ctx) {
    const me = await ctx.graph.request<Record<string, unknown>>({
      method: 'GET',
      path: '/me',
      pathTemplate: '/me',
      query: { $select: select(PROFILE_FIELDS) },
      scopes: this.scopes,
    });
    const parsed = profileSchema.parse(me);
    const structured = prune(parsed);
    return { text: compactJson(structured, ctx.limits.maxResultChars), structured };
  },
};

const searchUsersInput = {
  query: z.string().min(1).max(200).describe('Start of a name, email address or user principal name'),
  top: topField(50, 10),
  cursor: cursorInput,
};
const usersOutput = { users: z.array(userSchema), nextCursor: z.string().nullable() };

export const searchUsers: ToolDefinition<typeof searchUsersInput, typeof usersOutput> = {
  name: 'search_users',
  group: 'profile',
  title: 'Search the directory',
  description:
    'Finds people in your organization directory whose name, email or UPN starts with the query. Returns ids, names and emails; use get_user for one person.',
  scopes: ['User.ReadBasic.All'],
  write: false,
  inputSchema: searchUsersInput,
  outputSchema: usersOutput,
  annotations: READ,
  async run(input, ctx) {
    const q = odataString(input.query.trim());
    const filter = ['displayName', 'givenName', 'surname', 'mail', 'userPrincipalName']
      .map((p) => `startswith(${p},${q})`)
      .join(' or ');
    const page = await ctx.graph.page<Record<string, unknown>>(
      {
        method: 'GET',
        path: '/users',
        pathTemplate: '/users',
        query: { $filter: filter, $select: select(BASIC_USER_FIELDS), $top: input.top ?? 10 },
        scopes: this.scopes,
      },
      input.cursor,
    );
    const parsed = page.items.map(cleanUser);
    const ids = await pageIds(ctx, 'user', parsed);
    const users = parsed.map((u, i) => ({ ...u, id: ids[i] ?? u.id }));
    const text = listText(
      `${users.length} user(s); [id] for get_user:`,
      users.map(userLine),
      page.nextCursor,
      ctx.limits.maxResultChars,
    );
    return { text, structured: { users, nextCursor: page.nextCursor } };
  },
};

const getUserInput = {
  user: z.string().min(1).max(300).describe('User id (from search_users) or email address / user principal name'),
};

export const getUser: ToolDefinition<typeof getUserInput, typeof userShape> = {
  name: 'get_user',
  group: 'profile',
  title: 'Get a user',
  description: 'Returns one directory user (id, name, email, UPN) by id or email/UPN.',
  scopes: ['User.ReadBasic.All'],
  write: false,
  inputSchema: getUserInput,
  outputSchema: userShape,
  annotations: READ,
  async run(input, ctx) {
    const id = await resolveId(ctx, 'user', input.user);
    if (/[/?#\\]/.test(id))
      throw new ToolError('BAD_REQUEST', 'user must be an id, email address or UPN (no / ? # characters).');
    const user = await ctx.graph.request<Record<string, unknown>>({
      method: 'GET',
      path: `/users/${encodeURIComponent(id)}`,
      pathTemplate: '/users/{id}',
      query: { $select: select(BASIC_USER_FIELDS) },
      scopes: this.scopes,
    });
    const clean = cleanUser(user);
    const structured = { ...clean, id: await shortId(ctx, 'user', clean.id) };
    return { text: compactJson(structured, ctx.limits.maxResultChars), structured };
  },
};

const personSchema = z.object({
  id: z.string(),
  displayName: z.string().nullable().optional(),
  jobTitle: z.string().nullable().optional(),
  department: z.string().nullable().optional(),
  userPrincipalName: z.string().nullable().optional(),
  emails: z.array(z.string()).optional(),
});
const searchPeopleInput = {
  query: z
    .string()
    .max(200)
    .optional()
    .describe('Name or email to look for; omit to list the people you work with most'),
  top: topField(50, 10),
};
const peopleOutput = { people: z.array(personSchema) };

export const searchPeople: ToolDefinition<typeof searchPeopleInput, typeof peopleOutput> = {
  name: 'search_people',
  group: 'profile',
  title: 'Search people I work with',
  description:
    'Finds people relevant to the signed-in user (colleagues, frequent contacts), ranked by relevance, with fuzzy name/email matching. Good for resolving "Ada" to an email address before sending mail or inviting.',
  scopes: ['People.Read'],
  write: false,
  inputSchema: searchPeopleInput,
  outputSchema: peopleOutput,
  annotations: READ,
  async run(input, ctx) {
    const q = input.query?.replace(/"/g, '').trim();
    const page = await ctx.graph.page<Record<string, unknown>>({
      method: 'GET',
      path: '/me/people',
      pathTemplate: '/me/people',
      query: {
        ...(q ? { $search: `"${q}"` } : {}),
        $top: input.top ?? 10,
        $select: 'id,displayName,jobTitle,department,userPrincipalName,scoredEmailAddresses',
      },
      scopes: this.scopes,
    });
    const people = page.items.map((p) => {
      const emails = Array.isArray(p.scoredEmailAddresses)
        ? (p.scoredEmailAddresses as { address?: unknown }[]).flatMap((e) =>
            typeof e.address === 'string' ? [e.address] : [],
          )
        : [];
      return prune(personSchema.parse({ ...p, emails })) as z.infer<typeof personSchema>;
    });
    const lines = people.map((p) => {
      const role = [plainLine(p.jobTitle, 100), plainLine(p.department, 100)].filter(Boolean).join(', ');
      const emails = (p.emails ?? []).map((e) => plainLine(e, 320)).join(', ');
      return `- ${plainLine(p.displayName, 200) || '(no name)'}${emails ? ` <${emails}>` : ''}${role ? ` — ${role}` : ''}`;
    });
    const text = listText(`${people.length} person(s), most relevant first:`, lines, null, ctx.limits.maxResultChars);
    return { text, structured: { people } };
  },
};

export const profileTools: readonly ToolDefinition[] = [getMyProfile, searchUsers, getUser, searchPeople];
