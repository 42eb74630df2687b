/** The page around the sections (index.html): elements by id and the live regions for results. */
import type { WindowError } from './types.ts';

export function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html is missing #${id}`);
  return el;
}

/** Success in the polite region (clearing the alert), errors in the alert region. */
export function announce(message: string, kind: 'ok' | 'error'): void {
  const ok = byId('announce');
  const alert = byId('alert');
  if (kind === 'ok') {
    ok.textContent = message;
    alert.hidden = true;
    alert.textContent = '';
  } else {
    alert.textContent = message;
    alert.hidden = false;
  }
}

export function errorText(error: WindowError): string {
  return error.missingScopes !== undefined && error.missingScopes.length > 0
    ? `${error.message} (missing: ${error.missingScopes.join(', ')})`
    : error.message;
}
