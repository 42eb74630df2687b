/**
 * Helpers the mail route modules share: folder and message lookup in one mailbox, request bodies,
 * recipients, and folder rendering with live counts.
 */
import { badRequest, invalidJsonPayload, outlookNotFound } from '../errors.ts';
import { readJsonBody } from '../http.ts';
import type { MailFolder, Message, Recipient, UserState } from '../model.ts';
import { applySelect, parseSelect } from '../odata/options.ts';
import type { RouteContext } from '../router.ts';
import { htmlBody } from '../seed/mail.ts';

export const FOLDER_TYPE = 'microsoft.graph.mailFolder';
export const FOLDER_PROPS: ReadonlySet<string> = new Set([
  'id',
  'displayName',
  'parentFolderId',
  'childFolderCount',
  'unreadItemCount',
  'totalItemCount',
  'isHidden',
]);

/** The mailbox the route works on (`ctx.me` is its owner: see mail-mailbox.ts). */
export function mailbox(ctx: RouteContext): UserState {
  return ctx.store.user(ctx.me.id);
}

export function folderById(state: UserState, idOrName: string): MailFolder | undefined {
  const key = idOrName.toLowerCase();
  return state.folders.find((f) => f.id === idOrName || (f.wellKnownName !== '' && f.wellKnownName === key));
}

export function folderOrThrow(state: UserState, idOrName: string): MailFolder {
  const f = folderById(state, idOrName);
  if (!f) throw outlookNotFound();
  return f;
}

export function messageOrThrow(state: UserState, id: string): Message {
  const m = state.messages.find((x) => x.id === id);
  if (!m) throw outlookNotFound();
  return m;
}

/** The hidden root all top-level folders hang from ("Top of Information Store"). */
export function rootFolderId(state: UserState): string {
  return folderOrThrow(state, 'inbox').parentFolderId;
}

export function jsonBody(ctx: RouteContext): Record<string, unknown> {
  return readJsonBody(ctx.req.body, invalidJsonPayload);
}

export function recipients(v: unknown): Recipient[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((r: unknown) => {
    const ea = (r as { emailAddress?: { address?: unknown; name?: unknown } } | null)?.emailAddress;
    if (!ea || typeof ea.address !== 'string') return [];
    return [{ emailAddress: { address: ea.address, name: typeof ea.name === 'string' ? ea.name : ea.address } }];
  });
}

export function bodyOf(v: unknown): { contentType: 'html' | 'text'; content: string } {
  const b = v as { contentType?: unknown; content?: unknown } | undefined;
  const content = typeof b?.content === 'string' ? b.content : '';
  const isHtml = typeof b?.contentType === 'string' && b.contentType.toLowerCase() === 'html';
  return { contentType: 'html', content: isHtml ? content : htmlBody(content.split(/\r?\n/)) };
}

export function noRecipients(): Error {
  return badRequest(
    'ErrorInvalidRecipients',
    "At least one recipient is not valid., A message can't be sent because it contains no recipients.",
  );
}

function renderFolder(state: UserState, f: MailFolder): MailFolder {
  const msgs = state.messages.filter((m) => m.parentFolderId === f.id);
  return {
    ...f,
    childFolderCount: state.folders.filter((c) => c.parentFolderId === f.id).length,
    totalItemCount: msgs.length,
    unreadItemCount: msgs.filter((m) => !m.isRead).length,
  };
}

export function folderJson(
  state: UserState,
  f: MailFolder,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  const out = applySelect(renderFolder(state, f), select);
  delete out.wellKnownName;
  return out;
}

export function folderSelect(ctx: RouteContext): string[] | undefined {
  return parseSelect(ctx.req.query, { known: FOLDER_PROPS, typeName: FOLDER_TYPE, code: 'RequestBroker--ParseUri' });
}
