/** Redirect-URI matching (DOC-reply): exact, except that http loopback URIs ignore the port. */

function normalisePath(p: string): string {
  return p === '' ? '/' : p;
}

export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  let r: URL;
  let q: URL;
  try {
    r = new URL(registered);
    q = new URL(requested);
  } catch {
    return false;
  }
  const loopback = (u: URL): boolean =>
    u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]');
  if (!loopback(r) || !loopback(q)) return false;
  return (
    r.hostname === q.hostname &&
    normalisePath(r.pathname) === normalisePath(q.pathname) &&
    q.search === '' &&
    q.hash === ''
  );
}
