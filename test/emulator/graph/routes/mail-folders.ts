/**
 * Mail folders: the top-level list (children of the hidden root) and a folder's `childFolders`, one
 * folder by id or well-known name, creating a folder (409 `ErrorFolderExists` for a name its parent
 * already has), and the Inbox's rules (`messageRules`, MailboxSettings.Read; read-only here).
 */
import { badRequest, GraphHttpError } from '../errors.ts';
import { jsonResponse, type GraphResponse } from '../http.ts';
import type { MailFolder } from '../model.ts';
import { parseSkip, parseTop } from '../odata/options.ts';
import { collection, skipPage } from '../odata/paging.ts';
import { meContext, type RouteContext } from '../router.ts';
import { seedMessageRules } from '../seed/mail-rules.ts';
import { outlookId } from '../seed/prng.ts';
import { folderJson, folderOrThrow, folderSelect, jsonBody, mailbox, rootFolderId } from './mail-common.ts';
import type { MailRoute } from './mail-mailbox.ts';

function listFolders(ctx: RouteContext, parentId: string, context: string): GraphResponse {
  const state = mailbox(ctx);
  const select = folderSelect(ctx);
  const top = parseTop(ctx.req.query, { def: 10, max: 1000 });
  const includeHidden = (ctx.req.query.get('includeHiddenFolders') ?? '').toLowerCase() === 'true';
  const all = state.folders.filter((f) => f.parentFolderId === parentId && (includeHidden || !f.isHidden));
  const page = skipPage(all, { req: ctx.req, base: ctx.base, skip: parseSkip(ctx.req.query), top });
  return jsonResponse(
    200,
    collection(meContext(ctx, context), { ...page, items: page.items.map((f) => folderJson(state, f, select)) }),
  );
}

function getFolder(ctx: RouteContext): GraphResponse {
  const state = mailbox(ctx);
  const f = folderOrThrow(state, ctx.params[0] ?? '');
  return jsonResponse(200, {
    '@odata.context': meContext(ctx, 'mailFolders/$entity'),
    ...folderJson(state, f, folderSelect(ctx)),
  });
}

function createFolder(ctx: RouteContext, parentId: string): GraphResponse {
  const state = mailbox(ctx);
  const json = jsonBody(ctx);
  const name = typeof json.displayName === 'string' ? json.displayName.trim() : '';
  if (name === '') throw badRequest('ErrorInvalidParameter', "The value of the parameter 'DisplayName' is empty.");
  const taken = state.folders.some(
    (f) => f.parentFolderId === parentId && f.displayName.toLowerCase() === name.toLowerCase(),
  );
  if (taken)
    throw new GraphHttpError({
      status: 409,
      code: 'ErrorFolderExists',
      message: 'A folder with the specified name already exists.',
    });
  const folder: MailFolder = {
    id: outlookId(ctx.store.rng()),
    displayName: name,
    parentFolderId: parentId,
    childFolderCount: 0,
    unreadItemCount: 0,
    totalItemCount: 0,
    isHidden: json.isHidden === true,
    wellKnownName: '',
  };
  state.folders.push(folder);
  return jsonResponse(201, {
    '@odata.context': meContext(ctx, 'mailFolders/$entity'),
    ...folderJson(state, folder, undefined),
  });
}

function listRules(ctx: RouteContext): GraphResponse {
  const state = mailbox(ctx);
  const folder = folderOrThrow(state, ctx.params[0] ?? '');
  if (folder.wellKnownName !== 'inbox')
    throw badRequest('ErrorInvalidRequest', 'Rules are only supported on the Inbox folder.');
  return jsonResponse(
    200,
    collection(meContext(ctx, "mailFolders('inbox')/messageRules"), { items: seedMessageRules(state.folders) }),
  );
}

const FOLDER = '([^/]+)';
export const mailFolderRoutes: MailRoute[] = [
  {
    method: 'GET',
    path: '/mailFolders/?',
    caseInsensitive: true,
    access: 'read',
    handler: (ctx) => listFolders(ctx, rootFolderId(mailbox(ctx)), 'mailFolders'),
  },
  {
    method: 'POST',
    path: '/mailFolders/?',
    caseInsensitive: true,
    access: 'write',
    handler: (ctx) => createFolder(ctx, rootFolderId(mailbox(ctx))),
  },
  {
    method: 'GET',
    path: `/mailFolders/${FOLDER}/childFolders/?`,
    caseInsensitive: true,
    access: 'read',
    handler: (ctx) => {
      const parent = folderOrThrow(mailbox(ctx), ctx.params[0] ?? '');
      return listFolders(ctx, parent.id, `mailFolders('${parent.id}')/childFolders`);
    },
  },
  {
    method: 'POST',
    path: `/mailFolders/${FOLDER}/childFolders/?`,
    caseInsensitive: true,
    access: 'write',
    handler: (ctx) => createFolder(ctx, folderOrThrow(mailbox(ctx), ctx.params[0] ?? '').id),
  },
  {
    method: 'GET',
    path: `/mailFolders/${FOLDER}/messageRules/?`,
    caseInsensitive: true,
    access: 'settings',
    handler: listRules,
  },
  { method: 'GET', path: `/mailFolders/${FOLDER}/?`, caseInsensitive: true, access: 'read', handler: getFolder },
];
