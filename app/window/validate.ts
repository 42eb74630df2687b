/**
 * Quick checks the settings form runs before sending (main validates again and is authoritative),
 * and the mapping of main's settings keys onto form fields.
 */
import type { SettingsForm } from './types.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type FormField = keyof SettingsForm;

export function validateSettingsForm(form: SettingsForm): Partial<Record<FormField, string>> {
  const issues: Partial<Record<FormField, string>> = {};
  if (!GUID.test(form.clientId.trim())) {
    issues.clientId =
      'The client ID is the "Application (client) ID" GUID from the app registration\'s Overview page, e.g. 00000000-0000-0000-0000-000000000000.';
  }
  if (form.tenant.trim() === '') {
    issues.tenant =
      'Enter your tenant ID or domain (contoso.onmicrosoft.com), or "organizations" for any work or school account.';
  }
  if (form.toolGroups.length === 0)
    issues.toolGroups = 'Enable at least one tool group, or editors will have no tools.';
  return issues;
}

/** `approvalPolicy.writes.default` → `writeApproval`; `toolGroups.2` → `toolGroups`. */
export function formFieldForKey(key: string): FormField | null {
  if (key.startsWith('approvalPolicy.writes')) return 'writeApproval';
  if (key.startsWith('approvalPolicy.clients')) return 'clientApproval';
  const top = key.split('.')[0] ?? '';
  const fields: FormField[] = ['clientId', 'tenant', 'cloud', 'useBroker', 'toolGroups', 'readOnly'];
  return (fields as string[]).includes(top) ? (top as FormField) : null;
}
