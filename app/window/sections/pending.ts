/**
 * "Waiting for you": confirmation codes for commands typed in a terminal, write approvals (summary,
 * details, countdown, Allow once / Always for this tool / Deny — the broker denies on timeout), editors
 * asking for access, and consent requests.
 */
import { h } from '../dom.ts';
import { formatCountdown, secondsUntil } from '../format.ts';
import type { Ctx } from '../context.ts';
import type { ConfirmationCode, Status } from '../types.ts';

type Approval = Status['pendingApprovals'][number];
type Client = Status['clients'][number];

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

function codeCard(ctx: Ctx, code: ConfirmationCode): HTMLElement {
  const titleId = `code-${code.challengeId}-title`;
  return h(
    'article',
    { class: 'card code', attrs: { 'aria-labelledby': titleId, 'data-code-for': code.challengeId } },
    h('h3', { attrs: { id: titleId } }, 'Confirmation code for a command in a terminal'),
    h('p', { class: 'code-digits', attrs: { 'aria-label': `Code ${code.code.split('').join(' ')}` } }, code.code),
    h('p', {}, `It confirms: ${code.action}`),
    h(
      'p',
      { class: 'muted' },
      'Type it only into a terminal where you ran that command yourself. Never give it to anyone, and never to an ' +
        'AI assistant or chat. If you did not ask for it, ignore it. Valid for ',
      h(
        'span',
        { class: 'countdown', attrs: { 'data-expires': code.expiresAt, role: 'timer' } },
        formatCountdown(secondsUntil(code.expiresAt, ctx.now())),
      ),
      '.',
    ),
  );
}

function clientCard(ctx: Ctx, c: Client): HTMLElement {
  const decide = (decision: 'approve' | 'deny', message: string) => (b: HTMLButtonElement) =>
    void ctx.act(b, () => ctx.api.decideClient(c.id, decision), message);
  return h(
    'article',
    { class: 'card', attrs: { 'data-client': c.name, 'data-client-id': c.id } },
    h('h3', {}, c.remembered ? `New editor: ${c.name}` : `New program: ${c.name}`),
    h(
      'p',
      {},
      c.remembered
        ? `"${c.name}" (the ${c.id} entry Graph Bridge connected) wants to use your Microsoft 365 account through Graph Bridge. Allow it only if you just set it up.`
        : `Something calling itself "${c.name}" wants to use your Microsoft 365 account through Graph Bridge. It was not started ` +
            'from an editor entry Graph Bridge connected, so it may not be what its name says. Allow it only if you just ' +
            'started it yourself; the approval lasts for this session only. To have an editor remembered, connect it ' +
            '(Editors → Connect, or graph-bridge connect).',
    ),
    h(
      'div',
      { class: 'actions' },
      actionButton('Allow', `client-approve-${c.id}`, 'primary', decide('approve', `${c.name} allowed.`)),
      actionButton('Deny', `client-deny-${c.id}`, 'danger', decide('deny', `${c.name} denied.`)),
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
    ...ctx.state.codes.map((c) => codeCard(ctx, c)),
    ...status.pendingApprovals.map((a) => approvalCard(ctx, a)),
    ...clients.map((c) => clientCard(ctx, c)),
    ...status.pendingConsent.map((c) => consentCard(ctx, c)),
  ];
  return cards.length === 0 ? [h('p', { class: 'muted' }, 'Nothing is waiting for you.')] : cards;
}

export function pendingCount(status: Status | null, codes: readonly ConfirmationCode[] = []): number {
  if (status === null) return codes.length;
  return (
    codes.length +
    status.pendingApprovals.length +
    status.pendingConsent.length +
    status.clients.filter((c) => c.approval === 'pending').length
  );
}
