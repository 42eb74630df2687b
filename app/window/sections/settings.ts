/**
 * Settings and first-run setup: the form (validated here, then by main with messages per field) and
 * the exact values to enter in the Entra portal for a new app registration.
 */
import { h } from '../dom.ts';
import { formFieldForKey, validateSettingsForm, type FormField } from '../validate.ts';
import type { Ctx } from '../context.ts';
import type { SettingsForm, SettingsView } from '../types.ts';

const CLOUD_LABELS: Record<SettingsForm['cloud'], string> = {
  global: 'Global (login.microsoftonline.com)',
  usgov: 'US Government (GCC High)',
  'usgov-dod': 'US Government (DoD)',
  china: 'China (21Vianet)',
  custom: 'Custom (from settings file or environment)',
};

function errorSlot(ctx: Ctx, field: FormField): HTMLElement {
  const message = ctx.state.settingsIssues[field];
  return h(
    'p',
    {
      class: 'field-error',
      attrs: {
        id: `settings-${field}-error`,
        role: message === undefined ? undefined : 'alert',
        hidden: message === undefined,
      },
    },
    message ?? '',
  );
}

interface TextFieldSpec {
  field: 'clientId' | 'tenant';
  label: string;
  value: string;
  hint: string;
  /** The environment variable that sets this field, if any (the input is then read-only). */
  overridden: string | undefined;
}

function textField(ctx: Ctx, { field, label, value, hint, overridden }: TextFieldSpec): HTMLElement {
  const invalid = ctx.state.settingsIssues[field] !== undefined;
  return h(
    'div',
    { class: 'field' },
    h('label', { attrs: { for: `settings-${field}` } }, label),
    h('input', {
      attrs: {
        id: `settings-${field}`,
        name: field,
        type: 'text',
        value,
        spellcheck: 'false',
        autocomplete: 'off',
        disabled: overridden !== undefined,
        'aria-invalid': invalid ? 'true' : undefined,
        'aria-describedby': `settings-${field}-hint settings-${field}-error`,
      },
    }),
    h(
      'p',
      { class: 'hint', attrs: { id: `settings-${field}-hint` } },
      overridden === undefined ? hint : `Set by the environment variable ${overridden}.`,
    ),
    errorSlot(ctx, field),
  );
}

interface SelectSpec<T extends string> {
  field: FormField;
  label: string;
  value: T;
  /** [value, text, disabled?] per option. */
  options: [T, string, boolean?][];
}

function select<T extends string>(ctx: Ctx, { field, label, value, options }: SelectSpec<T>): HTMLElement {
  return h(
    'div',
    { class: 'field' },
    h('label', { attrs: { for: `settings-${field}` } }, label),
    h(
      'select',
      { attrs: { id: `settings-${field}`, name: field, 'aria-describedby': `settings-${field}-error` } },
      options.map(([v, text, disabled]) =>
        h('option', { attrs: { value: v, selected: v === value, disabled: disabled === true } }, text),
      ),
    ),
    errorSlot(ctx, field),
  );
}

interface CheckboxSpec {
  field: 'useBroker' | 'readOnly';
  label: string;
  checked: boolean;
  hint: string;
}

function checkbox({ field, label, checked, hint }: CheckboxSpec): HTMLElement {
  return h(
    'div',
    { class: 'field check' },
    h('input', {
      attrs: {
        id: `settings-${field}`,
        name: field,
        type: 'checkbox',
        checked,
        'aria-describedby': `settings-${field}-hint`,
      },
    }),
    h('label', { attrs: { for: `settings-${field}` } }, label),
    h('p', { class: 'hint', attrs: { id: `settings-${field}-hint` } }, hint),
  );
}

function groupsFieldset(ctx: Ctx, view: SettingsView, values: SettingsForm): HTMLElement {
  return h(
    'fieldset',
    { class: 'groups', attrs: { 'aria-describedby': 'settings-toolGroups-error' } },
    h('legend', {}, 'Tool groups'),
    view.groups.map(({ group, description }) =>
      h(
        'div',
        { class: 'check' },
        h('input', {
          attrs: {
            id: `settings-group-${group}`,
            type: 'checkbox',
            name: 'toolGroups',
            value: group,
            checked: values.toolGroups.includes(group),
          },
        }),
        h(
          'label',
          { attrs: { for: `settings-group-${group}` } },
          group,
          h('span', { class: 'muted small' }, ` — ${description}`),
        ),
      ),
    ),
    errorSlot(ctx, 'toolGroups'),
  );
}

function readForm(form: HTMLFormElement): SettingsForm {
  const value = (name: string) =>
    form.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)?.value ?? '';
  const checked = (name: string) => form.querySelector<HTMLInputElement>(`[name="${name}"]`)?.checked ?? false;
  const groups = [...form.querySelectorAll<HTMLInputElement>('input[name="toolGroups"]')]
    .filter((i) => i.checked)
    .map((i) => i.value);
  return {
    clientId: value('clientId'),
    tenant: value('tenant'),
    cloud: value('cloud') as SettingsForm['cloud'],
    useBroker: checked('useBroker'),
    readOnly: checked('readOnly'),
    toolGroups: groups as SettingsForm['toolGroups'],
    writeApproval: value('writeApproval') as SettingsForm['writeApproval'],
    clientApproval: value('clientApproval') as SettingsForm['clientApproval'],
  };
}

/** Refused values: shown at their fields, the first one focused (which scrolls it into view). */
function showIssues(ctx: Ctx, issues: Partial<Record<FormField, string>>): void {
  ctx.state.settingsIssues = { ...issues };
  ctx.rerender();
  const first = Object.keys(issues)[0];
  if (first === undefined) return;
  const field =
    first === 'toolGroups'
      ? document.querySelector<HTMLElement>('#settings-body input[name="toolGroups"]')
      : document.getElementById(`settings-${first}`);
  field?.focus();
}

/** main's issues (settings keys) mapped onto the form's fields. */
function issuesByField(issues: readonly { field: string; message: string }[]): Partial<Record<FormField, string>> {
  const out: Partial<Record<FormField, string>> = {};
  for (const i of issues) {
    const field = formFieldForKey(i.field);
    if (field !== null) out[field] = i.message;
  }
  return out;
}

async function submit(ctx: Ctx, form: HTMLFormElement): Promise<void> {
  const values = readForm(form);
  // Re-renders (the issues, the refresh after saving) show what the user entered until a save succeeds.
  ctx.state.settingsDraft = values;
  const local = validateSettingsForm(values);
  if (Object.keys(local).length > 0) {
    showIssues(ctx, local);
    return;
  }
  ctx.state.settingsIssues = {};
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  const error = await ctx.act(
    button,
    async () => {
      const r = await ctx.api.saveSettings(values);
      if (r.ok) {
        ctx.state.settings = r.value;
        ctx.state.settingsDraft = null;
      }
      return r;
    },
    'Settings saved.',
  );
  if (error?.issues !== undefined) showIssues(ctx, issuesByField(error.issues));
}

function registrationGuide(view: SettingsView): HTMLElement {
  const r = view.registration;
  const row = (k: string, v: string) => [h('dt', {}, k), h('dd', {}, h('code', {}, v))];
  return h(
    'details',
    { class: 'guide', attrs: { open: !view.configured } },
    h('summary', {}, 'Register your own app in Microsoft Entra ID'),
    h('p', {}, 'In the Entra admin center: App registrations → New registration. Then enter exactly these values:'),
    h(
      'dl',
      { class: 'facts', attrs: { 'data-testid': 'registration' } },
      row('Platform', r.platform),
      row('Redirect URI', r.redirectUri),
      row('Allow public client flows', r.allowPublicClientFlows ? 'Yes' : 'No'),
      h('dt', {}, 'Delegated permissions (Microsoft Graph)'),
      h(
        'dd',
        {},
        h(
          'ul',
          { class: 'plain' },
          r.permissions.map((p) => h('li', {}, h('strong', {}, `${p.group}: `), h('code', {}, p.scopes.join(', ')))),
        ),
      ),
    ),
    h('p', {}, 'Copy the "Application (client) ID" and "Directory (tenant) ID" from the Overview page into the form.'),
  );
}

/** Client ID, tenant, cloud and OS broker: what the sign-in core is built from. */
function signInFields(ctx: Ctx, view: SettingsView, v: SettingsForm): HTMLElement[] {
  const env = new Map(view.envOverrides.map((o) => [o.key, o.variable]));
  return [
    textField(ctx, {
      field: 'clientId',
      label: 'Application (client) ID',
      value: v.clientId,
      hint: 'From your app registration (or the default public client).',
      overridden: env.get('clientId'),
    }),
    textField(ctx, {
      field: 'tenant',
      label: 'Tenant',
      value: v.tenant,
      hint: 'Tenant ID, domain, or "organizations" / "common".',
      overridden: env.get('tenant'),
    }),
    select(ctx, { field: 'cloud', label: 'Cloud', value: v.cloud, options: cloudOptions(v.cloud) }),
    checkbox({
      field: 'useBroker',
      label: 'Use the OS account broker (Windows WAM / macOS Enterprise SSO) where available',
      checked: v.useBroker,
      hint: 'Falls back to the browser when the broker is unavailable.',
    }),
  ];
}

/** Every cloud; 'custom' only stays selectable when the file or environment already set one. */
function cloudOptions(current: SettingsForm['cloud']): [SettingsForm['cloud'], string, boolean][] {
  return (Object.keys(CLOUD_LABELS) as SettingsForm['cloud'][]).map((c) => [
    c,
    CLOUD_LABELS[c],
    c === 'custom' && current !== 'custom',
  ]);
}

/** Tool groups, read-only and the approval policies: what editors may do. */
function accessFields(ctx: Ctx, view: SettingsView, v: SettingsForm): HTMLElement[] {
  return [
    groupsFieldset(ctx, view, v),
    checkbox({
      field: 'readOnly',
      label: 'Read-only: list no write tools at all',
      checked: v.readOnly,
      hint: 'Editors can read mail, files and calendars but never send, write or delete.',
    }),
    select(ctx, {
      field: 'writeApproval',
      label: 'When an editor wants to write',
      value: v.writeApproval,
      options: [
        ['ask', 'Ask me every time'],
        ['allow', 'Allow without asking'],
        ['deny', 'Always deny'],
      ],
    }),
    select(ctx, {
      field: 'clientApproval',
      label: 'When a new editor connects',
      value: v.clientApproval,
      options: [
        ['ask', 'Ask me'],
        ['allow', 'Allow automatically'],
      ],
    }),
  ];
}

/**
 * The settings form, showing the values the user last submitted while they are refused, else the saved
 * ones; submitting validates it here, then saves it through main.
 */
function settingsForm(ctx: Ctx, view: SettingsView): HTMLFormElement {
  const values = ctx.state.settingsDraft ?? view.values;
  const form = h(
    'form',
    { attrs: { novalidate: true, 'aria-label': 'Settings' } },
    signInFields(ctx, view, values),
    accessFields(ctx, view, values),
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'primary', key: 'save-settings', attrs: { type: 'submit' } }, 'Save settings'),
    ),
    h('p', { class: 'muted small' }, `Stored in ${view.path}`),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit(ctx, form);
  });
  return form;
}

/** First run (no settings file yet): a greeting above the form. */
function welcome(view: SettingsView): HTMLElement | null {
  if (view.configured) return null;
  return h(
    'p',
    { class: 'lead' },
    'Welcome! Choose how Graph Bridge signs you in. The defaults work for most work and school accounts.',
  );
}

/** Saved sign-in settings the running app could not switch to. */
function restartNotice(view: SettingsView): HTMLElement | null {
  if (!view.restartNeeded) return null;
  return h(
    'p',
    { class: 'cache warning', attrs: { role: 'status' } },
    'Restart Graph Bridge (Quit from the tray menu, then start it again) to use the new sign-in settings.',
  );
}

function portalButton(ctx: Ctx): HTMLElement {
  const portal = h(
    'button',
    { class: 'link', key: 'open-portal', attrs: { type: 'button' } },
    'Open the Entra admin center',
  );
  portal.addEventListener('click', () => void ctx.act(portal, () => ctx.api.openExternal('entra-portal')));
  return h('p', {}, portal);
}

export function renderSettings(ctx: Ctx): HTMLElement[] {
  const view = ctx.state.settings;
  if (view === null) return [h('p', {}, 'Loading settings…')];
  return [
    welcome(view),
    restartNotice(view),
    settingsForm(ctx, view),
    registrationGuide(view),
    portalButton(ctx),
  ].filter((x): x is HTMLElement => x !== null);
}
