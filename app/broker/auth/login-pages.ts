/**
 * Pages the loopback redirect server shows in the browser after an interactive sign-in. They tell
 * the person what happened and to return to the app. Static HTML: no scripts, no external assets.
 */
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}` +
  `h1{font-size:1.4rem}</style></head><body><h1>${title}</h1>${body}</body></html>`;

export const SIGN_IN_SUCCESS_PAGE = page(
  'Signed in to Graph Bridge',
  '<p>You are signed in. You can close this tab and return to Graph Bridge or your editor.</p>',
);

export const SIGN_IN_ERROR_PAGE = page(
  'Graph Bridge sign-in did not complete',
  '<p>The sign-in was cancelled or failed. Close this tab and return to Graph Bridge: it shows what went wrong ' +
    'and lets you try again.</p>',
);
