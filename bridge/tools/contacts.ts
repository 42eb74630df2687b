/**
 * Contacts group: the user's Outlook contacts. list_contacts (GET /me/contacts, or a contact folder's
 * /me/contactFolders/{id}/contacts; `query` becomes the `$filter` Outlook supports on contacts —
 * startswith on names/company, and `emailAddresses/any(a:a/address eq '…')` for a whole address:
 * Outlook documents no `$search` for contacts, and allows no other operator on emailAddresses) and
 * save_contact (POST a new one, or PATCH the fields given), approved by the user first.
 */
import type { Contact, ContactFolder } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { ToolError, type ToolAnnotations, type ToolContext, type ToolDefinition } from './tool.ts';
import { READ_ANNOTATIONS, defineTool } from './shared/define.ts';
import { resolveId, shortId } from './shared/ids.ts';
import { cursorInput, listText, pageIds } from './shared/list.ts';
import { pathSegment } from './shared/paths.ts';
import { clip, plainLine } from './shared/text.ts';
import { odataString } from './profile.ts';

const READ = GROUP_SCOPES.contacts.read;
const WRITE = GROUP_SCOPES.contacts.write;
const CONTACT_SELECT = 'id,displayName,emailAddresses,companyName,jobTitle,mobilePhone,businessPhones';

type GraphContact = Contact & { id: string };

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The `$filter` for a query: name/company prefixes, or the whole address when it is one. */
export function contactFilter(query: string): string {
  const q = odataString(query.trim());
  if (EMAIL.test(query.trim())) return `emailAddresses/any(a:a/address eq ${q})`;
  return ['displayName', 'givenName', 'surname', 'companyName'].map((p) => `startswith(${p},${q})`).join(' or ');
}

export function contactLine(c: Contact, id: string): string {
  const emails = (c.emailAddresses ?? []).flatMap((e) => (e.address ? [plainLine(e.address, 320)] : []));
  const parts = [`${plainLine(c.displayName, 200) || '(no name)'}${emails.length ? ` <${emails.join(', ')}>` : ''}`];
  const work = [plainLine(c.jobTitle, 100), plainLine(c.companyName, 100)].filter(Boolean).join(', ');
  if (work) parts.push(work);
  if (c.mobilePhone) parts.push(`mobile ${plainLine(c.mobilePhone, 40)}`);
  const business = (c.businessPhones ?? []).map((p) => plainLine(p, 40)).filter(Boolean);
  if (business.length) parts.push(`work ${business.join(', ')}`);
  return `- [${id}] ${parts.join(' | ')}`;
}

async function folders(ctx: ToolContext, scopes: readonly string[]): Promise<(ContactFolder & { id: string })[]> {
  const page = await ctx.graph.page<ContactFolder & { id: string }>({
    method: 'GET',
    path: '/me/contactFolders',
    pathTemplate: '/me/contactFolders',
    query: { $select: 'id,displayName', $top: 100 },
    scopes,
  });
  return page.items;
}

/** A folder name → its contacts path; ToolError naming the folders when there is none by that name. */
async function folderPath(ctx: ToolContext, name: string, scopes: readonly string[]): Promise<string> {
  const all = await folders(ctx, scopes);
  const found = all.find((f) => (f.displayName ?? '').toLowerCase() === name.trim().toLowerCase());
  if (!found) {
    const names = all.map((f) => `"${plainLine(f.displayName, 100)}"`).join(', ') || 'none';
    throw new ToolError('INVALID_INPUT', `No contact folder "${clip(name, 100)}". Folders: ${names}.`);
  }
  return `/me/contactFolders/${pathSegment(found.id)}/contacts`;
}

export const listContacts = defineTool({
  name: 'list_contacts',
  group: 'contacts',
  title: 'List or find contacts',
  description:
    'Your Outlook contacts (default folder, or folder by name): name, emails, company, phones, id. query matches the start of a name or company, or a whole email address.',
  scopes: READ,
  write: false,
  inputSchema: () => ({
    query: z.string().min(1).max(200).optional(),
    folder: z.string().min(1).max(200).optional(),
    top: z.number().int().min(1).max(50).default(25),
    cursor: cursorInput,
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const path = input.folder ? await folderPath(ctx, input.folder, READ) : '/me/contacts';
    const page = await ctx.graph.page<GraphContact>(
      {
        method: 'GET',
        path,
        pathTemplate: input.folder ? '/me/contactFolders/{id}/contacts' : '/me/contacts',
        query: {
          $select: CONTACT_SELECT,
          $top: input.top,
          ...(input.query ? { $filter: contactFilter(input.query) } : {}),
        },
        scopes: READ,
      },
      input.cursor,
    );
    const ids = await pageIds(ctx, 'contact', page.items);
    const lines = page.items.map((c, i) => contactLine(c, ids[i] ?? c.id));
    let head = `${lines.length} contact(s):`;
    if (!input.folder && !input.cursor) {
      const names = (await folders(ctx, READ)).map((f) => plainLine(f.displayName, 100)).filter(Boolean);
      if (names.length) head = `${head} (other folders: ${names.join(', ')})`;
    }
    return { text: listText(head, lines, page.nextCursor, ctx.limits.maxResultChars) };
  },
});

const SAVE_ANNOTATIONS: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};

interface SaveInput {
  givenName?: string | undefined;
  surname?: string | undefined;
  displayName?: string | undefined;
  emails?: string[] | undefined;
  mobilePhone?: string | undefined;
  businessPhones?: string[] | undefined;
  companyName?: string | undefined;
  jobTitle?: string | undefined;
  notes?: string | undefined;
}

/** The contact body from the fields given, and the same as labelled lines for the approval. */
export function contactBody(input: SaveInput): { body: Record<string, unknown>; details: Record<string, string> } {
  const body: Record<string, unknown> = {};
  const details: Record<string, string> = {};
  const put = (key: string, label: string, value: unknown, shown: string): void => {
    body[key] = value;
    details[label] = clip(shown, 500);
  };
  if (input.givenName !== undefined) put('givenName', 'First name', input.givenName, input.givenName);
  if (input.surname !== undefined) put('surname', 'Last name', input.surname, input.surname);
  if (input.displayName !== undefined) put('displayName', 'Display name', input.displayName, input.displayName);
  if (input.emails !== undefined)
    put(
      'emailAddresses',
      'Emails',
      input.emails.map((address) => ({ address })),
      input.emails.join(', ') || '(none)',
    );
  if (input.mobilePhone !== undefined) put('mobilePhone', 'Mobile', input.mobilePhone, input.mobilePhone);
  if (input.businessPhones !== undefined)
    put('businessPhones', 'Work phones', input.businessPhones, input.businessPhones.join(', ') || '(none)');
  if (input.companyName !== undefined) put('companyName', 'Company', input.companyName, input.companyName);
  if (input.jobTitle !== undefined) put('jobTitle', 'Job title', input.jobTitle, input.jobTitle);
  if (input.notes !== undefined) put('personalNotes', 'Notes', input.notes, input.notes);
  return { body, details };
}

const shortText = (max: number) => z.string().max(max).optional();

export const saveContact = defineTool({
  name: 'save_contact',
  group: 'contacts',
  title: 'Create or update a contact',
  description:
    'Creates a contact, or with contactId changes only the fields given (emails and businessPhones replace the lists), after the user approves.',
  scopes: WRITE,
  write: true,
  inputSchema: () => ({
    contactId: z.string().min(1).max(1000).optional().describe('From list_contacts; omit to create.'),
    givenName: shortText(200),
    surname: shortText(200),
    displayName: shortText(300),
    emails: z.array(z.email()).max(3).optional(),
    mobilePhone: shortText(60),
    businessPhones: z.array(z.string().max(60)).max(3).optional(),
    companyName: shortText(200),
    jobTitle: shortText(200),
    notes: shortText(5000),
    folder: z.string().min(1).max(200).optional().describe('Create in this folder (by name).'),
  }),
  annotations: SAVE_ANNOTATIONS,
  async run(input, ctx) {
    const { body, details } = contactBody(input);
    if (Object.keys(body).length === 0) throw new ToolError('INVALID_INPUT', 'Give at least one contact field.');
    if (input.contactId === undefined) {
      const name =
        input.displayName ?? ([input.givenName, input.surname].filter(Boolean).join(' ') || input.emails?.[0] || '');
      const path = input.folder ? await folderPath(ctx, input.folder, WRITE) : '/me/contacts';
      const where = input.folder ? ` in folder "${clip(input.folder, 100)}"` : '';
      await ctx.approve(clip(`Create contact "${name}"${where}`, 1000), details);
      const created = await ctx.graph.request<GraphContact>({
        method: 'POST',
        path,
        pathTemplate: input.folder ? '/me/contactFolders/{id}/contacts' : '/me/contacts',
        body,
        scopes: WRITE,
      });
      return { text: `Created contact.\n${contactLine(created, await shortId(ctx, 'contact', created.id))}` };
    }
    if (input.folder) throw new ToolError('INVALID_INPUT', 'folder applies only when creating a contact.');
    const path = `/me/contacts/${pathSegment(await resolveId(ctx, 'contact', input.contactId))}`;
    const current = await ctx.graph.request<GraphContact>({
      method: 'GET',
      path,
      pathTemplate: '/me/contacts/{id}',
      query: { $select: CONTACT_SELECT },
      scopes: WRITE,
    });
    const currentName = plainLine(current.displayName, 200) || '(no name)';
    const fields = Object.keys(details).join(', ').toLowerCase();
    await ctx.approve(clip(`Update contact "${currentName}": ${fields}`, 1000), {
      Contact: contactLine(current, input.contactId).slice(2),
      ...details,
    });
    const updated = await ctx.graph.request<GraphContact>({
      method: 'PATCH',
      path,
      pathTemplate: '/me/contacts/{id}',
      body,
      scopes: WRITE,
    });
    return { text: `Updated contact.\n${contactLine(updated, await shortId(ctx, 'contact', updated.id))}` };
  },
});

export const contactsTools: readonly ToolDefinition[] = [listContacts, saveContact];
