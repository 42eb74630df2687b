/**
 * The HTML the emulator serves to a browser: sign-in, consent, "need admin approval", device-code
 * entry/completion, errors, sign-out, and the auto-submitting form_post page (§4.4). Minimal markup
 * with stable ids/labels (the same ids real Entra uses where it has them) for headless Chromium.
 */
import { escapeHtml } from '../http.ts';
import { GRAPH_SCOPES } from '../scopes.ts';

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:Segoe UI,Arial,sans-serif;background:#f2f2f2;margin:0}
main{background:#fff;max-width:440px;margin:40px auto;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600}label{display:block;margin-top:12px}
input[type=text],input[type=email],input[type=password]{width:100%;padding:6px;font-size:15px;box-sizing:border-box}
button{margin-top:20px;margin-right:8px;padding:6px 20px;font-size:15px}
.error{color:#e81123}.note{color:#555;font-size:13px}
</style></head>
<body><main>
<p class="note">Graph Bridge emulator — not Microsoft</p>
${body}
</main></body></html>`;
}

export interface SignInPageInput {
  interactionId: string;
  appName: string;
  username?: string;
  error?: string;
}

export function signInPage(input: SignInPageInput): string {
  const error = input.error ? `<p class="error" id="usernameError" role="alert">${escapeHtml(input.error)}</p>` : '';
  return layout(
    'Sign in to your account',
    `<h1>Sign in</h1>
<p>to continue to ${escapeHtml(input.appName)}</p>
${error}
<form method="POST" action="/login" name="f1">
<input type="hidden" name="ix" value="${escapeHtml(input.interactionId)}">
<label for="i0116">Email, phone, or Skype</label>
<input type="email" id="i0116" name="username" autocomplete="username" value="${escapeHtml(input.username ?? '')}" required>
<label for="i0118">Password</label>
<input type="password" id="i0118" name="password" autocomplete="current-password" required>
<button type="submit" id="idSIButton9">Sign in</button>
</form>`,
  );
}

function scopeList(scopes: readonly string[], descriptions: Readonly<Record<string, string>> = {}): string {
  return scopes
    .map(
      (s) =>
        `<li data-scope="${escapeHtml(s)}">${escapeHtml(descriptions[s] ?? GRAPH_SCOPES[s] ?? s)} <span class="note">(${escapeHtml(s)})</span></li>`,
    )
    .join('\n');
}

export interface ConsentPageInput {
  interactionId: string;
  appName: string;
  userUpn: string;
  /** Grant keys: Graph names or `<application ID URI>/<scope>` for a custom API. */
  scopes: readonly string[];
  /** Line per scope (default: the Graph catalogue text, else the key). */
  descriptions?: Readonly<Record<string, string>>;
}

export function consentPage(input: ConsentPageInput): string {
  return layout(
    'Permissions requested',
    `<h1>Permissions requested</h1>
<p>${escapeHtml(input.userUpn)}</p>
<p><strong>${escapeHtml(input.appName)}</strong> would like to:</p>
<ul id="scopes">
${scopeList(input.scopes, input.descriptions)}
</ul>
<p class="note">Accepting these permissions means that you allow this app to use your data as specified.</p>
<form method="POST" action="/consent">
<input type="hidden" name="ix" value="${escapeHtml(input.interactionId)}">
<button type="submit" name="decision" value="cancel" id="idBtn_Back">Cancel</button>
<button type="submit" name="decision" value="accept" id="idSIButton9">Accept</button>
</form>`,
  );
}

export function adminApprovalPage(input: ConsentPageInput): string {
  return layout(
    'Need admin approval',
    `<h1>Need admin approval</h1>
<p>${escapeHtml(input.userUpn)}</p>
<p><strong>${escapeHtml(input.appName)}</strong> needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>
<ul id="scopes">
${scopeList(input.scopes, input.descriptions)}
</ul>
<form method="POST" action="/consent">
<input type="hidden" name="ix" value="${escapeHtml(input.interactionId)}">
<button type="submit" name="decision" value="cancel" id="idBtn_Back">Return to the application without granting consent</button>
</form>`,
  );
}

/** The auto-submitting response page (form_post) — what MSAL's loopback listener expects. */
export function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}"/>`)
    .join('\n');
  return `<html><head><title>Working...</title></head><body>
<form method="POST" name="hiddenform" action="${escapeHtml(action)}">
${inputs}
<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"/></noscript>
</form><script language="javascript">document.forms[0].submit();</script></body></html>`;
}

export function errorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p id="errorMessage" class="error">${escapeHtml(message)}</p>`);
}

export function deviceCodeEntryPage(error?: string): string {
  const err = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
  return layout(
    'Enter code',
    `<h1>Enter code</h1>
<p>Enter the code displayed on your app or device.</p>
${err}
<form method="POST" action="/devicelogin">
<label for="otc">Code</label>
<input type="text" id="otc" name="otc" autocomplete="off" required>
<button type="submit" id="idSIButton9">Next</button>
</form>`,
  );
}

export function deviceDonePage(appName: string): string {
  return layout(
    'Signed in',
    `<h1>${escapeHtml(appName)}</h1>
<p id="deviceDone">You have signed in to the ${escapeHtml(appName)} application on your device. You may now close this window.</p>`,
  );
}

export function deviceDeclinedPage(appName: string): string {
  return layout(
    'Sign-in canceled',
    `<h1>${escapeHtml(appName)}</h1>\n<p id="deviceDeclined">You have declined to sign in to the application on your device. You may now close this window.</p>`,
  );
}

export function signedOutPage(): string {
  return layout(
    'Signed out',
    "<h1>You signed out of your account</h1>\n<p>It's a good idea to close all browser windows.</p>",
  );
}
