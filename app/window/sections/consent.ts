/** Consent matrix: tool groups × scopes × granted, with Grant per group and the admin-consent link. */
import { h } from '../dom.ts';
import type { Ctx } from '../context.ts';
import type { Status } from '../types.ts';

type GroupRow = Status['consent'][number];

function scopeBadge(s: GroupRow['scopes'][number]): HTMLElement {
  const state = s.granted ? 'granted' : 'missing';
  return h(
    'li',
    { class: `scope ${state}`, attrs: { 'aria-label': `${s.scope}${s.write ? ' (write)' : ''}: ${state}` } },
    h('span', { class: 'mark', attrs: { 'aria-hidden': 'true' } }, s.granted ? '✓' : '✗'),
    ` ${s.scope}`,
    s.write ? h('span', { class: 'tag' }, 'write') : null,
    s.adminConsent === true
      ? h('span', { class: 'tag', attrs: { title: 'Only a tenant administrator can grant this' } }, 'admin')
      : null,
    s.onDemand === true
      ? h('span', { class: 'tag', attrs: { title: 'Asked for only when a tool needs it' } }, 'when needed')
      : null,
  );
}

function groupRow(ctx: Ctx, g: GroupRow, signedIn: boolean): HTMLTableRowElement {
  // Grant asks only for what a user may consent to; admin-only scopes go through the admin-consent link.
  // On-demand scopes are asked for by the call that needs them (then listed under "Consent requested").
  const missing = g.scopes.filter((s) => !s.granted && s.adminConsent !== true && s.onDemand !== true);
  const adminMissing = g.scopes.some((s) => !s.granted && s.adminConsent === true);
  const description = ctx.state.settings?.groups.find((x) => x.group === g.group)?.description ?? '';
  let action: Node | string;
  if (!g.enabled) action = h('span', { class: 'muted' }, 'Not enabled');
  else if (g.scopes.length === 0) action = h('span', { class: 'muted' }, 'No scopes needed');
  else if (missing.length === 0)
    action = adminMissing
      ? h('span', { class: 'muted' }, 'Granted; admin-only scopes need your administrator')
      : h('span', { class: 'ok' }, 'Granted');
  else {
    const b = h(
      'button',
      {
        class: 'primary',
        key: `grant-${g.group}`,
        attrs: { type: 'button', disabled: !signedIn, 'aria-label': `Grant ${g.group}` },
      },
      'Grant',
    );
    b.addEventListener('click', () => {
      void ctx
        .act(b, () => ctx.api.grantConsent(g.group), `${g.group}: permissions granted.`)
        .then((error) => {
          if (error?.adminConsentRequired === true) {
            ctx.state.adminConsentNeeded = true;
            ctx.rerender();
          }
        });
    });
    action = b;
  }
  return h(
    'tr',
    { class: g.enabled ? '' : 'disabled', attrs: { 'data-group': g.group } },
    h('th', { attrs: { scope: 'row' } }, g.group, h('div', { class: 'muted small' }, description)),
    h(
      'td',
      {},
      g.scopes.length === 0
        ? h('span', { class: 'muted' }, '—')
        : h('ul', { class: 'scopes' }, g.scopes.map(scopeBadge)),
    ),
    h('td', {}, action),
  );
}

export function renderConsent(ctx: Ctx): HTMLElement[] {
  const status = ctx.state.status;
  if (status === null) return [];
  const signedIn = status.account !== null;
  const table = h(
    'table',
    { class: 'matrix' },
    h('caption', { class: 'sr-only' }, 'Permissions each tool group needs and whether they are granted'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { attrs: { scope: 'col' } }, 'Tool group'),
        h('th', { attrs: { scope: 'col' } }, 'Scopes'),
        h('th', { attrs: { scope: 'col' } }, 'Consent'),
      ),
    ),
    h(
      'tbody',
      {},
      status.consent.map((g) => groupRow(ctx, g, signedIn)),
    ),
  );
  const anyMissing = status.consent.some((g) => g.enabled && g.scopes.some((s) => !s.granted));
  const adminOnlyMissing = status.consent.some(
    (g) => g.enabled && g.scopes.some((s) => !s.granted && s.adminConsent === true),
  );
  const adminLink = h(
    'button',
    { class: 'link', key: 'admin-consent', attrs: { type: 'button' } },
    'Open the admin-consent page',
  );
  adminLink.addEventListener('click', () => void ctx.act(adminLink, () => ctx.api.openExternal('admin-consent')));
  const parts: (HTMLElement | null)[] = [
    signedIn ? null : h('p', { class: 'muted' }, 'Sign in to see and grant permissions.'),
    table,
    ctx.state.adminConsentNeeded
      ? h(
          'p',
          { class: 'cache warning', attrs: { role: 'alert' } },
          'Your organisation requires an administrator to approve these permissions. Send this page to your admin: ',
          adminLink,
        )
      : adminOnlyMissing
        ? h(
            'p',
            { class: 'muted small' },
            'Scopes marked admin can only be granted by a tenant administrator; the tools that need them say so until then. Send this page to your admin: ',
            adminLink,
          )
        : anyMissing
          ? h('p', { class: 'muted small' }, 'If your organisation requires admin approval: ', adminLink)
          : null,
  ];
  return parts.filter((x): x is HTMLElement => x !== null);
}
