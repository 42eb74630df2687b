/**
 * Which local files upload tools may read — pure rules over path strings (local-file.ts applies them
 * to the path a model gave and again to what it resolves to on disk).
 *
 * A file may be uploaded only when it lies inside a folder the user allowed (hello.uploads, settings
 * `uploadFolders`) and never when it is, or lies inside:
 *   - one of Graph Bridge's own folders (settings, state, logs, the broker key and socket);
 *   - a hidden file or folder anywhere below the allowed folder, or a dot-folder of the home folder,
 *     or the home folder's app-data folders (`Library`, `AppData`);
 *   - a key, credential or token-cache file by name (id_rsa*, *.pem, *.key, .env, …).
 * Lexically, a path must be absolute, without `.`/`..` segments (however padded), control or bidi
 * characters, and (Windows) device or stream syntax.
 *
 * Reasons are for the bridge's log only: the model always gets the same refusal text (refusal.ts).
 */
import type { posix } from 'node:path';

export type PathApi = Pick<typeof posix, 'isAbsolute' | 'relative' | 'sep' | 'basename' | 'normalize'>;

export interface PolicyRoots {
  /** Folders the user allowed, as configured and as resolved on disk. */
  allowed: readonly string[];
  /** Graph Bridge's own folders (as configured and resolved). */
  protected: readonly string[];
  /** The home folder (as configured and resolved). */
  homes: readonly string[];
}

export interface PolicyFacts {
  path: PathApi;
  /** Windows path rules (device paths, streams, backslash separators). */
  windows: boolean;
  /** Whether allowed-folder comparisons ignore case (macOS, Windows). Deny rules always do. */
  caseInsensitive: boolean;
}

// C0/C1 controls, DEL, and the bidi/zero-width marks that make a name read differently than it is.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

/** Longer paths would not fit, whole, in the approval the user reads. */
export const MAX_PATH_CHARS = 1500;

/** A segment made only of dots and spaces (`.`, `..`, `...`, `.. `): refused rather than normalised. */
const DOT_SEGMENT = /^[.\s]+$/;

/** Home sub-folders that hold application data like dot-folders do. */
const HOME_APP_DATA = new Set(['library', 'appdata']);

const SECRET_NAMES: readonly RegExp[] = [
  /^id_(rsa|dsa|ecdsa|ed25519|xmss)/i, // SSH keys (and their .pub, refused too)
  /^identity(\.pub)?$/i,
  /\.(key|pem|p8|p12|pfx|ppk|jks|keystore|kdbx?|keychain|keychain-db|gpg|pgp|asc|ovpn)$/i,
  /^\.?env(\..*)?$/i, // .env, .env.local, env
  /^(\.|_)?(netrc|npmrc|pypirc|pgpass|git-credentials|dockercfg|s3cfg|boto)$/i,
  /^credentials(\..*)?$/i,
  /^(secrets?|client_secrets?)\.(json|ya?ml|toml|txt)$/i,
  /token.?cache|cache.?token|msal.*cache|accesstokens|access_tokens|refresh_?token/i,
  /^(cookies|login data|web data|wallet\.dat|keychain\.db|logins\.json|key[34]\.db)$/i,
  /^(broker|admin)\.(key|sock)$/i, // Graph Bridge's own
];

export function hasUnsafeChars(text: string): boolean {
  return UNSAFE_CHARS.test(text);
}

/** Why the name is a key/credential/cache file, or null. */
export function secretNameReason(name: string): string | null {
  const hit = SECRET_NAMES.find((re) => re.test(name));
  return hit ? `the name "${name}" looks like a key, credential or cache file` : null;
}

/** Why a path string is refused before anything on disk is touched, or null. */
export function lexicalRefusal(given: string, facts: PolicyFacts): string | null {
  if (given.length === 0 || given.length > MAX_PATH_CHARS) return `empty or longer than ${MAX_PATH_CHARS} characters`;
  if (hasUnsafeChars(given)) return 'control or bidi characters';
  if (!facts.path.isAbsolute(given)) return 'not an absolute path';
  if (facts.windows) {
    if (/^[\\/]{2}[?.][\\/]/.test(given)) return 'a Windows device path';
    if (given.indexOf(':', 2) !== -1) return 'a colon after the drive letter (alternate data stream)';
  }
  const segments = given.split(facts.windows ? /[\\/]/ : '/');
  if (segments.some((s) => DOT_SEGMENT.test(s))) return 'a "." or ".." segment';
  return null;
}

function fold(p: string, insensitive: boolean): string {
  return insensitive ? p.toLowerCase() : p;
}

/** `candidate` relative to `root` when strictly inside it (segments), else null. */
export function inside(root: string, candidate: string, api: PathApi, insensitive: boolean): string[] | null {
  const rel = api.relative(fold(root, insensitive), fold(candidate, insensitive));
  if (rel === '' || rel === '..' || rel.startsWith(`..${api.sep}`) || api.isAbsolute(rel)) return null;
  return rel.split(api.sep);
}

function insideOrEqual(root: string, candidate: string, api: PathApi): boolean {
  return (
    api.relative(root.toLowerCase(), candidate.toLowerCase()) === '' || inside(root, candidate, api, true) !== null
  );
}

/** Why `candidate` (an absolute, normalised path) may not be uploaded, or null when it may. */
export function pathRefusal(candidate: string, roots: PolicyRoots, facts: PolicyFacts): string | null {
  const api = facts.path;
  if (hasUnsafeChars(candidate)) return 'control or bidi characters';
  if (candidate.length > MAX_PATH_CHARS) return `longer than ${MAX_PATH_CHARS} characters`;
  if (roots.protected.some((root) => insideOrEqual(root, candidate, api))) return "inside Graph Bridge's own folders";
  for (const home of roots.homes) {
    const first = inside(home, candidate, api, true)?.[0];
    if (first !== undefined && (first.startsWith('.') || HOME_APP_DATA.has(first)))
      return 'inside a hidden or app-data folder of the home folder';
  }
  const below = roots.allowed
    .map((root) => inside(root, candidate, api, facts.caseInsensitive))
    .find((rel): rel is string[] => rel !== null);
  if (below === undefined) return 'outside the allowed upload folders';
  if (below.some((segment) => segment.startsWith('.') || DOT_SEGMENT.test(segment)))
    return 'a hidden file or folder inside the allowed folder';
  return secretNameReason(api.basename(candidate));
}
