/** Editors: the clients that have talked to the broker (approve / deny / revoke) and one-click connect. */
import { h } from '../dom.ts';
import { formatAgo } from '../format.ts';
import type { Ctx } from '../context.ts';
import type { Status } from '../types.ts';

type Client = Status['clients'][number];

function decideButton(
  ctx: Ctx,
  c: Client,
  decision: 'approve' | 'deny' | 'revoke',
  label: string,
  cls: string,
): HTMLButtonElement {
  const b = h(
    'button',
    { class: cls, key: `client-${decision}-${c.id}`, attrs: { type: 'button', 'aria-label': `${label} ${c.name}` } },
    label,
  );
  b.addEventListener(
    'click',
    () => void ctx.act(b, () => ctx.api.decideClient(c.id, decision), `${c.name}: ${decision}d.`),
  );
  return b;
}

function clientRow(ctx: Ctx, c: Client): HTMLTableRowElement {
  const actions =
    c.approval === 'approved'
      ? [decideButton(ctx, c, 'revoke', 'Revoke', 'danger')]
      : c.approval === 'denied'
        ? [decideButton(ctx, c, 'approve', 'Allow', '')]
        : [decideButton(ctx, c, 'approve', 'Allow', 'primary'), decideButton(ctx, c, 'deny', 'Deny', 'danger')];
  return h(
    'tr',
    { attrs: { 'data-client-row': c.name, 'data-client-id': c.id } },
    h(
      'th',
      { attrs: { scope: 'row' } },
      c.name,
      h('span', { class: 'muted small' }, c.remembered ? ` ${c.id}` : ' this session only — connect it to remember it'),
    ),
    h('td', {}, h('span', { class: `pill ${c.approval}` }, c.approval)),
    h('td', {}, c.connected > 0 ? `${c.connected} connected` : `last seen ${formatAgo(c.lastSeen, ctx.now())}`),
    h('td', {}, `since ${new Date(c.firstSeen).toLocaleDateString()}`),
    h('td', { class: 'num' }, String(c.calls)),
    h('td', {}, h('div', { class: 'actions' }, actions)),
  );
}

function connectList(ctx: Ctx): HTMLElement {
  const editors = ctx.state.editors;
  if (editors.length === 0) return h('p', { class: 'muted' }, 'No supported editor was found on this computer.');
  return h(
    'ul',
    { class: 'editors' },
    editors.map((e) => {
      const b = h(
        'button',
        { key: `connect-${e.id}`, attrs: { type: 'button', disabled: e.connected, 'aria-label': `Connect ${e.name}` } },
        e.connected ? 'Connected' : 'Connect',
      );
      b.addEventListener(
        'click',
        () =>
          void ctx.act(b, () => ctx.api.connectEditor(e.id), `${e.name} connected. Restart it to load Graph Bridge.`),
      );
      return h(
        'li',
        {},
        h('span', { class: 'editor-name' }, e.name),
        h('span', { class: 'muted small' }, e.configPath ?? (e.detected ? '' : 'not found')),
        b,
      );
    }),
  );
}

export function renderEditors(ctx: Ctx): HTMLElement[] {
  const clients = ctx.state.status?.clients ?? [];
  const table =
    clients.length === 0
      ? h('p', { class: 'muted' }, 'No editor has connected yet.')
      : h(
          'table',
          {},
          h('caption', { class: 'sr-only' }, 'Editors that have used Graph Bridge'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Editor', 'Access', 'Connection', 'First seen', 'Calls', 'Actions'].map((t) =>
                h('th', { attrs: { scope: 'col' } }, t),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            clients.map((c) => clientRow(ctx, c)),
          ),
        );
  return [table, h('h3', {}, 'Connect an editor'), connectList(ctx)];
}
