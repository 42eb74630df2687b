/** Account, token and cache: who is signed in, until when, and where the tokens are kept. */
import { h } from '../dom.ts';
import { cacheLabel, cacheTone, formatAgo, formatCountdown, secondsUntil } from '../format.ts';
import type { Ctx } from '../context.ts';
import type { Status } from '../types.ts';

function button(
  ctx: Ctx,
  label: string,
  key: string,
  run: (b: HTMLButtonElement) => void,
  cls = '',
): HTMLButtonElement {
  const b = h('button', { class: cls, key, attrs: { type: 'button' } }, label);
  b.addEventListener('click', () => run(b));
  return b;
}

function deviceCodePanel(ctx: Ctx): HTMLElement | null {
  const code = ctx.state.deviceCode;
  if (code === null) return null;
  return h(
    'div',
    { class: 'device-code', attrs: { role: 'status', 'aria-live': 'polite' } },
    h('p', {}, 'To sign in, open the Microsoft sign-in page and enter this code:'),
    h(
      'p',
      { class: 'code', attrs: { 'aria-label': `Sign-in code ${code.userCode.split('').join(' ')}` } },
      code.userCode,
    ),
    h('p', { class: 'muted' }, code.message),
    button(ctx, 'Open the sign-in page', 'open-device-login', (b) => {
      void ctx.act(b, () => ctx.api.openExternal('device-login'));
    }),
  );
}

function signedOut(ctx: Ctx): HTMLElement[] {
  const useBroker = ctx.state.settings?.values.useBroker === true;
  return [
    h('p', { class: 'lead' }, 'Not signed in. Editors cannot use Microsoft 365 until you sign in.'),
    h(
      'div',
      { class: 'actions' },
      button(
        ctx,
        useBroker ? 'Sign in with your system account…' : 'Sign in with the browser…',
        'sign-in',
        (b) => void ctx.act(b, () => ctx.api.signIn(), 'Signed in.'),
        'primary',
      ),
      button(ctx, 'Sign in with a code…', 'sign-in-code', (b) => {
        void ctx
          .act(b, () => ctx.api.signInWithCode(), 'Signed in.')
          .then(() => {
            ctx.state.deviceCode = null;
            ctx.rerender();
          });
      }),
    ),
    deviceCodePanel(ctx),
  ].filter((x): x is HTMLElement => x !== null);
}

function dl(rows: [string, Node | string][]): HTMLDListElement {
  return h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]).flat());
}

function signedIn(ctx: Ctx, status: Status & { account: NonNullable<Status['account']> }): (HTMLElement | null)[] {
  const { account, token } = status;
  const expiry =
    token.expiresOn === null
      ? 'no access token yet (one is fetched when an editor calls a tool)'
      : h(
          'span',
          { class: 'countdown', attrs: { 'data-expires': token.expiresOn } },
          formatCountdown(secondsUntil(token.expiresOn, ctx.now())),
        );
  const needed = status.signInNeeded;
  return [
    needed === undefined
      ? null
      : h(
          'p',
          { class: 'cache warning', attrs: { role: 'alert', 'data-testid': 'sign-in-needed' } },
          h('strong', {}, 'Sign-in needed: '),
          `${needed.reason} Editors get an error until you sign in again.`,
          ' ',
          button(ctx, 'Sign in again', 'sign-in-again', (b) => {
            void ctx.act(b, () => ctx.api.signIn(), 'Signed in.');
          }),
        ),
    dl([
      ['Account', `${account.name ?? account.username} (${account.username})`],
      ['Tenant', account.tenantId],
      ['Authority', account.environment],
      ['Access token expires in', expiry],
      ['Last refresh', formatAgo(token.lastRefresh, ctx.now())],
    ]),
    h(
      'div',
      { class: 'actions' },
      button(ctx, 'Sign out', 'sign-out', (b) => {
        void ctx.act(
          b,
          () => ctx.api.signOut(),
          'Signed out. Editors keep tokens they already hold until those expire (at most about an hour).',
        );
      }),
      button(
        ctx,
        'Sign in with another account…',
        'sign-in',
        (b) => void ctx.act(b, () => ctx.api.signIn(), 'Signed in.'),
      ),
    ),
  ];
}

function cacheLine(status: Status): HTMLElement {
  const tone = cacheTone(status.cache.backend);
  return h(
    'p',
    { class: `cache ${tone}`, attrs: { role: tone === 'ok' ? undefined : 'alert', 'data-testid': 'cache-backend' } },
    h('strong', {}, 'Token cache: '),
    cacheLabel(status.cache.backend),
    status.cache.detail === '' ? null : h('span', { class: 'muted' }, ` — ${status.cache.detail}`),
  );
}

export function renderAccount(ctx: Ctx): HTMLElement[] {
  const status = ctx.state.status;
  if (status === null) return [h('p', {}, 'Loading…')];
  const body = status.account === null ? signedOut(ctx) : signedIn(ctx, { ...status, account: status.account });
  return [...body.filter((x): x is HTMLElement => x !== null), cacheLine(status)];
}

/** Updates every countdown in place once a second (no re-render, so focus and screen readers are undisturbed). */
export function tickCountdowns(root: ParentNode, now: number): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-expires]')) {
    const iso = el.dataset.expires;
    if (iso !== undefined) el.textContent = formatCountdown(secondsUntil(iso, now));
  }
}
