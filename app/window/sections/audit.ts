/** Audit trail: every Graph call made on the user's behalf, filterable by editor and tool. */
import { h } from '../dom.ts';
import { distinct, formatTime } from '../format.ts';
import type { Ctx } from '../context.ts';

function filterSelect(
  ctx: Ctx,
  label: string,
  id: string,
  values: string[],
  current: string | undefined,
  set: (v: string | undefined) => void,
): HTMLElement {
  const select = h(
    'select',
    { key: id, attrs: { id } },
    h('option', { attrs: { value: '' } }, 'All'),
    values.map((v) => h('option', { attrs: { value: v, selected: v === current } }, v)),
  );
  select.addEventListener('change', () => {
    set(select.value === '' ? undefined : select.value);
    void ctx.refreshAudit();
  });
  return h('label', { attrs: { for: id } }, label, ' ', select);
}

export function renderAudit(ctx: Ctx): HTMLElement[] {
  const { audit, auditFilter, status } = ctx.state;
  const clients = distinct([...(status?.clients ?? []).map((c) => c.name), ...audit.map((a) => a.client)], (x) => x);
  const tools = distinct(
    audit.map((a) => a.tool),
    (x) => x,
  );
  if (auditFilter.tool !== undefined && !tools.includes(auditFilter.tool)) tools.push(auditFilter.tool);
  const openLog = h('button', { key: 'open-log', attrs: { type: 'button' } }, 'Open log file');
  openLog.addEventListener('click', () => void ctx.act(openLog, () => ctx.api.openAuditLog()));
  const controls = h(
    'div',
    { class: 'filters' },
    filterSelect(ctx, 'Editor', 'audit-client', clients, auditFilter.client, (v) => (ctx.state.auditFilter.client = v)),
    filterSelect(ctx, 'Tool', 'audit-tool', tools, auditFilter.tool, (v) => (ctx.state.auditFilter.tool = v)),
    openLog,
  );
  const table =
    audit.length === 0
      ? h('p', { class: 'muted' }, 'No calls recorded yet.')
      : h(
          'table',
          { class: 'audit' },
          h('caption', { class: 'sr-only' }, 'Graph calls made on your behalf, newest first'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Time', 'Editor', 'Tool', 'Request', 'Status', 'ms'].map((t) => h('th', { attrs: { scope: 'col' } }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            audit.map((a) =>
              h(
                'tr',
                { class: a.status >= 400 ? 'failed' : '' },
                h('td', {}, formatTime(a.time)),
                h('td', {}, a.client),
                h('td', {}, a.tool),
                h('td', { class: 'mono' }, `${a.method} ${a.pathTemplate}`),
                h('td', { class: 'num' }, String(a.status)),
                h('td', { class: 'num' }, String(Math.round(a.durationMs))),
              ),
            ),
          ),
        );
  return [controls, table];
}
