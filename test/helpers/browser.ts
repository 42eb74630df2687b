/**
 * Drives REAL headless Chromium (playwright-core, /usr/bin/chromium) through the emulator's sign-in,
 * consent and device-code pages — what a user does in a browser. Tests pass `chromiumOpenBrowser(...)`
 * as MSAL's `openBrowser`.
 *
 * TLS trust: Chromium runs with `ignoreHTTPSErrors: false` and
 * `--ignore-certificate-errors-spki-list=<base64 SHA-256 of the emulator leaf's SPKI>`: only that one
 * key is accepted besides the system roots (no system-wide CA install, no blanket
 * --ignore-certificate-errors). Playwright always passes a --user-data-dir, which Chromium requires
 * for the SPKI list to take effect.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumSignInOptions {
  username: string;
  password: string;
  /** What to click on a consent (or admin-approval) page; default accept. */
  consent?: 'accept' | 'cancel';
  /** RunningEmulator.leafSpkiSha256 — the one certificate key Chromium will accept. */
  spkiSha256: string;
  /** For /devicelogin: the code to enter. */
  userCode?: string;
  timeoutMs?: number;
}

export interface ChromiumSignInResult {
  /** innerText of the final page (MSAL's loopback page, device "done" page or an error page). */
  text: string;
  finalUrl: string;
  /** Pages seen, in order: signin, consent, admin-approval, device-code, working, ... */
  steps: string[];
}

function isLoopback(url: string): boolean {
  return /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//.test(url);
}

type Step = 'loopback' | 'signin' | 'consent' | 'admin-approval' | 'device-code' | 'device-done' | 'working' | 'error';

async function detect(page: Page): Promise<Step> {
  if (isLoopback(page.url())) return 'loopback';
  const has = async (selector: string): Promise<boolean> => (await page.locator(selector).count()) > 0;
  if (await has('#i0116')) return 'signin';
  if (await has('#otc')) return 'device-code';
  if (await has('#deviceDone, #deviceDeclined')) return 'device-done';
  if (await has('form[name="hiddenform"]')) return 'working';
  if (await has('#scopes')) return (await has('button[value="accept"]')) ? 'consent' : 'admin-approval';
  return 'error';
}

async function clickAndWait(page: Page, selector: string, timeout: number): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout }), page.click(selector, { timeout })]);
}

async function drive(page: Page, url: string, options: ChromiumSignInOptions): Promise<ChromiumSignInResult> {
  const timeout = options.timeoutMs ?? 30_000;
  const steps: string[] = [];
  await page.goto(url, { waitUntil: 'load', timeout });
  for (let i = 0; i < 12; i++) {
    const step = await detect(page);
    steps.push(step);
    switch (step) {
      case 'loopback':
      case 'device-done':
      case 'error':
        return { text: await page.locator('body').innerText({ timeout }), finalUrl: page.url(), steps };
      case 'working':
        await page.waitForURL((u) => isLoopback(u.toString()), { waitUntil: 'load', timeout });
        break;
      case 'signin':
        await page.fill('#i0116', options.username, { timeout });
        await page.fill('#i0118', options.password, { timeout });
        await clickAndWait(page, '#idSIButton9', timeout);
        break;
      case 'device-code':
        if (options.userCode === undefined) throw new Error('The device-code page needs options.userCode.');
        await page.fill('#otc', options.userCode, { timeout });
        await clickAndWait(page, '#idSIButton9', timeout);
        break;
      case 'consent':
        await clickAndWait(page, options.consent === 'cancel' ? '#idBtn_Back' : '#idSIButton9', timeout);
        break;
      case 'admin-approval':
        await clickAndWait(page, '#idBtn_Back', timeout);
        break;
    }
  }
  throw new Error(`Sign-in did not finish; pages seen: ${steps.join(' → ')}`);
}

export async function launchChromium(spkiSha256: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${spkiSha256}`],
  });
}

/** Opens `url` in a fresh headless Chromium and completes sign-in/consent; returns the final page. */
export async function signInWithChromium(url: string, options: ChromiumSignInOptions): Promise<ChromiumSignInResult> {
  const browser = await launchChromium(options.spkiSha256);
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: false });
    const page = await context.newPage();
    return await drive(page, url, options);
  } finally {
    await browser.close();
  }
}

/** Same as signInWithChromium, in an existing browser context (keeps the emulator session cookie). */
export async function signInInPage(
  page: Page,
  url: string,
  options: ChromiumSignInOptions,
): Promise<ChromiumSignInResult> {
  return drive(page, url, options);
}

export interface ChromiumOpenBrowser {
  /** Pass as MSAL `openBrowser`. */
  openBrowser: (url: string) => Promise<void>;
  /** Results of every sign-in so far (last = most recent). */
  results: ChromiumSignInResult[];
}

/** An MSAL `openBrowser` that signs in with headless Chromium. */
export function chromiumOpenBrowser(options: ChromiumSignInOptions): ChromiumOpenBrowser {
  const results: ChromiumSignInResult[] = [];
  return {
    results,
    async openBrowser(url: string) {
      results.push(await signInWithChromium(url, options));
    },
  };
}

export interface ChromiumSession extends ChromiumOpenBrowser {
  /** Runs a device-code sign-in at `verificationUri` in this session's browser. */
  deviceLogin(verificationUri: string, userCode: string): Promise<ChromiumSignInResult>;
  close(): Promise<void>;
}

/**
 * One Chromium browser context for several sign-ins, so the emulator's session cookie persists (the
 * second sign-in skips the password page, like a real browser). Call close() when done.
 */
export function chromiumSession(options: ChromiumSignInOptions): ChromiumSession {
  const results: ChromiumSignInResult[] = [];
  let browser: Browser | undefined;
  let context: Awaited<ReturnType<Browser['newContext']>> | undefined;
  const run = async (url: string, extra: Partial<ChromiumSignInOptions> = {}): Promise<ChromiumSignInResult> => {
    browser ??= await launchChromium(options.spkiSha256);
    context ??= await browser.newContext({ ignoreHTTPSErrors: false });
    const page = await context.newPage();
    try {
      const result = await drive(page, url, { ...options, ...extra });
      results.push(result);
      return result;
    } finally {
      await page.close();
    }
  };
  return {
    results,
    async openBrowser(url: string) {
      await run(url);
    },
    deviceLogin: (verificationUri, userCode) => run(verificationUri, { userCode }),
    async close() {
      await browser?.close();
    },
  };
}
