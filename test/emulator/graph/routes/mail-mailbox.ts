/**
 * Whose mailbox a mail route works on. Every mail route exists twice: `/me/…` (the caller's own
 * mailbox; the dispatcher already turned `/users/{my id|upn}/…` into it) and `/users/{id|address}/…`
 * (another mailbox), which needs a *.Shared scope AND access rights: a shared mailbox the caller is a
 * delegate of (seed/mail-shared.ts) works; anyone else's mailbox is 403 `ErrorAccessDenied`; an
 * unknown user is 404 `ErrorInvalidUser`. Mailbox settings (inbox rules) of another mailbox are 403
 * whatever the scopes: delegated MailboxSettings.* covers only the caller's own.
 * The handler sees the mailbox owner as `ctx.me`, so "me" in a handler means "this mailbox".
 */
import type { ScopeRule } from '../auth.ts';
import { GraphHttpError } from '../errors.ts';
import type { GraphResponse } from '../http.ts';
import type { DirectoryUser } from '../model.ts';
import type { Route, RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { findSharedMailbox } from '../seed/mail-shared.ts';
import type { GraphStore } from '../store.ts';

export type MailAccess = 'read' | 'readFull' | 'write' | 'send' | 'settings';

export interface MailRoute {
  method: Route['method'];
  /** Regex source below the mailbox root, e.g. `/messages/([^/]+)/move/?`. */
  path: string;
  /** Case-insensitive path (`/mailFolders` is matched as Graph does). */
  caseInsensitive?: boolean;
  access: MailAccess;
  handler: (ctx: RouteContext) => GraphResponse;
}

const OWN: Record<MailAccess, ScopeRule> = {
  read: SCOPES.mailRead,
  readFull: SCOPES.mailReadFull,
  write: SCOPES.mailWrite,
  send: SCOPES.mailSend,
  settings: SCOPES.mailboxSettingsRead,
};
const OTHER: Record<MailAccess, ScopeRule> = {
  read: SCOPES.mailReadShared,
  readFull: SCOPES.mailReadShared,
  write: SCOPES.mailWriteShared,
  send: SCOPES.mailSendShared,
  settings: SCOPES.mailboxSettingsRead,
};

export function accessDenied(): GraphHttpError {
  return new GraphHttpError({
    status: 403,
    code: 'ErrorAccessDenied',
    message: 'Access is denied. Check credentials and try again.',
  });
}

/** A directory user or a shared mailbox with this id, UPN or address (mail delivery, access checks). */
export function findMailbox(
  store: GraphStore,
  key: string,
): { owner: DirectoryUser; delegateIds?: readonly string[] } | undefined {
  const user = store.findUser(key);
  if (user) return { owner: user };
  return findSharedMailbox(store.directory(), store.fixtureIds(), key);
}

/** The owner of mailbox `key` when the caller may open it; the error Outlook answers otherwise. */
function openOther(ctx: RouteContext, key: string, access: MailAccess): DirectoryUser {
  const box = findMailbox(ctx.store, key);
  if (!box)
    throw new GraphHttpError({
      status: 404,
      code: 'ErrorInvalidUser',
      message: `The requested user '${key}' is invalid.`,
    });
  if (access === 'settings' || !box.delegateIds?.includes(ctx.me.id)) throw accessDenied();
  return box.owner;
}

export function mailboxRoutes(routes: readonly MailRoute[]): Route[] {
  return routes.flatMap((r): Route[] => {
    const flags = r.caseInsensitive ? 'i' : '';
    return [
      { method: r.method, pattern: new RegExp(`^/me${r.path}$`, flags), scope: OWN[r.access], handler: r.handler },
      {
        method: r.method,
        pattern: new RegExp(`^/users/([^/]+)${r.path}$`, flags),
        scope: OTHER[r.access],
        handler: (ctx) =>
          r.handler({ ...ctx, me: openOther(ctx, ctx.params[0] ?? '', r.access), params: ctx.params.slice(1) }),
      },
    ];
  });
}
