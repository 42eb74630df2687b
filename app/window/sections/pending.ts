/**
 * "Waiting for you": write approvals (summary, details, countdown, Allow once / Always for this tool /
 * Deny — the broker denies on timeout), editors asking for access, and consent requests.
 */
import { h } from '../dom.ts';
import { formatCountdown, secondsUntil } from '../format.ts';
import type { Ctx } from '../context.ts';
import type { Status } from '../types.ts';

type Approval = Status['pendingApprovals'][number];

function actionButton(
  label: string,
  key: string,
  cls: string,
  onClick: (b: HTMLButtonElement) => void,
): HTMLButtonElement {
  const b = h('button', { class: cls, key, attrs: { type: 'button' } }, label);
  b.addEventListener('click', () => onClick(b));
  return b;
}

function approvalCard(ctx: Ctx, a: Approval): HTMLElement {
  const titleId = `approval-${a.id}-title`;
  const decide = (decision: 'allow-once' | 'allow-always' | 'deny', message: string) => (b: HTMLButtonElement) =>
    void ctx.act(b, () => ctx.api.decideWrite(a.id, decision), message);
  const details = Object.entries(a.details);
  return h(
    'article',
    { class: 'card approval', attrs: { 'aria-labelledby': titleId, 'data-approval-id': a.id } },
    h('h3', { attrs: { id: titleId } }, `${a.client} wants to run ${a.tool}`),
    h('p', { class: 'summary' }, a.summary),
    details.length === 0
      ? null
      : h('dl', { class: 'facts' }, details.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]).flat()),
    h(
      'p',
      { class: 'muted' },
      'Denied automatically in ',
      h(
        'span',
        { class: 'countdown', attrs: { 'data-expires': a.expiresAt, role: 'timer' } },
        formatCountdown(secondsUntil(a.expiresAt, ctx.now())),
      ),
      ' if you do nothing.',
    ),
    h(
      'div',
      { class: 'actions' },
      actionButton('Allow once', `allow-once-${a.id}`, 'primary', decide('allow-once', 'Allowed once.')),
      actionButton(
        'Always for this tool',
        `allow-always-${a.id}`,
        '',
        decide('allow-always', `${a.tool} is now always allowed.`),
      ),
      actionButton('Deny', `deny-${a.id}`, 'danger', decide('deny', 'Denied.')),
    ),
  );
}

function clientCard(ctx: Ctx, name: string): HTMLElement {
  return h(
    'article',
    { class: 'card', attrs: { 'data-client': name } },
    h('h3', {}, `New editor: ${name}`),
    h(
      'p',
      {},
      `"${name}" wants to use your Microsoft 365 account through Graph Bridge. Allow it only if you just set it up.`,
    ),
    h(
      'div',
      { class: 'actions' },
      actionButton(
        'Allow',
        `client-approve-${name}`,
        'primary',
        (b) => void ctx.act(b, () => ctx.api.decideClient(name, 'approve'), `${name} allowed.`),
      ),
      actionButton(
        'Deny',
        `client-deny-${name}`,
        'danger',
        (b) => void ctx.act(b, () => ctx.api.decideClient(name, 'deny'), `${name} denied.`),
      ),
    ),
  );
}

function consentCard(ctx: Ctx, c: Status['pendingConsent'][number]): HTMLElement {
  const group = ctx.state.status?.consent.find((g) =>
    c.scopes.some((s) => g.scopes.some((x) => x.scope === s && !x.granted)),
  );
  return h(
    'article',
    { class: 'card' },
    h('h3', {}, `${c.requestedBy} needs more permissions`),
    h('p', {}, `Missing: ${c.scopes.join(', ')}. Granting opens the Microsoft consent page.`),
    group === undefined
      ? null
      : h(
          'div',
          { class: 'actions' },
          actionButton(
            `Grant ${group.group}`,
            `pending-grant-${c.id}`,
            'primary',
            (b) => void ctx.act(b, () => ctx.api.grantConsent(group.group), 'Permissions granted.'),
          ),
        ),
  );
}

export function renderPending(ctx: Ctx): HTMLElement[] {
  const status = ctx.state.status;
  if (status === null) return [];
  const clients = status.clients.filter((c) => c.approval === 'pending');
  const cards = [
    ...status.pendingApprovals.map((a) => approvalCard(ctx, a)),
    ...clients.map((c) => clientCard(ctx, c.name)),
    ...status.pendingConsent.map((c) => consentCard(ctx, c)),
  ];
  return cards.length === 0 ? [h('p', { class: 'muted' }, 'Nothing is waiting for you.')] : cards;
}

export function pendingCount(status: Status | null): number {
  if (status === null) return 0;
  return (
    status.pendingApprovals.length +
    status.pendingConsent.length +
    status.clients.filter((c) => c.approval === 'pending').length
  );
}
