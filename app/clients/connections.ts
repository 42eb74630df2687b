/**
 * Connect / disconnect / inspect editors. The one API the CLI (`graph-bridge connect`) and the tray's
 * "Connect editors" panel share. Every OS fact arrives in `ClientsContext` (paths from app/platform,
 * the launcher from the host), every file goes through editConfigFile (lock, backup, atomic write).
 */
import { isDeepStrictEqual } from 'node:util';
import type { EditorCredentials } from '../broker/approvals/editor-credentials.ts';
import { BRIDGE_ENV } from '../shared/constants.ts';
import { editorLocation, EDITOR_IDS, type EditorId, type EditorPathInput } from '../platform/editor-paths.ts';
import { bridgeServerSpec, type BridgeLauncher, type BridgeOptions } from './bridge-launcher.ts';
import { editConfigFile, type ConfigEditDeps, type ConfigEditOutcome } from './config-file-editor.ts';
import { EDITORS, type EditorDefinition } from './editors/index.ts';
import { stdioEntrySchema } from './editors/editor.ts';
import { errnoOf } from '../shared/errno.ts';
import { entryNames, readEntry, removeEntry, setEntry, type EntryPath } from './jsonc/entry-edits.ts';
import { parseConfig } from './jsonc/parse-config.ts';
import { errResult, type ClientsError } from './result.ts';
import { ok, type Result } from '../shared/result.ts';

/** Our entry's name in every editor. Stable: connect/disconnect/status find it by this name. */
export const ENTRY_NAME = 'graph-bridge';
/** Folders we create for an editor get the mode the editor itself would use. */
const EDITOR_DIR_MODE = 0o755;

export interface ClientsContext extends ConfigEditDeps {
  paths: EditorPathInput;
  launcher: BridgeLauncher;
  /**
   * Per-editor credentials (the broker's editor-keys.json). When given — by both hosts, the CLI and the
   * tray — connect writes the editor's key into its entry (keeping a registered one), so the broker
   * recognises the editor and remembers its approval; disconnect revokes it.
   */
  credentials?: EditorCredentials;
}

export interface EntryOptions {
  /** Defaults to ENTRY_NAME (tests and side-by-side installs use others). */
  entryName?: string;
}

export interface ConnectOutcome extends ConfigEditOutcome {
  editor: EditorId;
  displayName: string;
  entryName: string;
  afterConnect: string;
}

export type ConnectionState = 'connected' | 'outdated' | 'not-connected' | 'unreadable';

export interface EditorStatus {
  editor: EditorId;
  displayName: string;
  configPath: string;
  installed: boolean;
  configExists: boolean;
  state: ConnectionState;
  /** Why `unreadable`; what the entry runs when `outdated`; its extra flags when `connected`. */
  detail: string | null;
  /** Every server name in the editor's config (ours included). */
  servers: string[];
}

export function isEditorId(value: string): value is EditorId {
  return (EDITOR_IDS as readonly string[]).includes(value);
}

function entryPath(def: EditorDefinition, options: EntryOptions): EntryPath {
  return { container: def.container, name: options.entryName ?? ENTRY_NAME };
}

function manualHint(editor: EditorId): string {
  return `add it by hand with the snippet from \`graph-bridge connect --print ${editor}\``;
}

/** The entry this editor should contain for the current launcher and options. */
export function desiredEntry(ctx: Pick<ClientsContext, 'launcher'>, editor: EditorId, bridge: BridgeOptions) {
  return EDITORS[editor].toEntry(bridgeServerSpec(ctx.launcher, bridge));
}

/** JSON the user can paste into the editor's file by hand (the whole container, in that editor's shape). */
export function editorSnippet(
  ctx: Pick<ClientsContext, 'launcher'>,
  editor: EditorId,
  bridge: BridgeOptions,
  options: EntryOptions = {},
): string {
  const def = EDITORS[editor];
  const doc = def.container.reduceRight<unknown>((acc, key) => ({ [key]: acc }), {
    [options.entryName ?? ENTRY_NAME]: desiredEntry(ctx, editor, bridge),
  });
  return JSON.stringify(doc, null, 2);
}

export async function connectEditor(
  ctx: ClientsContext,
  editor: EditorId,
  bridge: BridgeOptions,
  options: EntryOptions = {},
): Promise<Result<ConnectOutcome, ClientsError>> {
  const def = EDITORS[editor];
  const { configPath } = editorLocation(editor, ctx.paths);
  const path = entryPath(def, options);
  const key = await editorKeyFor(ctx, editor, options);
  if (!key.ok) return key;
  const entry = desiredEntry(ctx, editor, key.value === null ? bridge : { ...bridge, editorKey: key.value });
  const result = await editConfigFile(
    {
      file: configPath,
      syntax: def.syntax,
      dirMode: EDITOR_DIR_MODE,
      manualHint: manualHint(editor),
      transform: (parsed) =>
        isDeepStrictEqual(readEntry(parsed, path), entry) ? ok(null) : setEntry(parsed, path, entry, configPath),
    },
    ctx,
  );
  if (!result.ok) return result;
  return ok({
    ...result.value,
    editor,
    displayName: def.displayName,
    entryName: path.name,
    afterConnect: def.afterConnect,
  });
}

export async function disconnectEditor(
  ctx: ClientsContext,
  editor: EditorId,
  options: EntryOptions = {},
): Promise<Result<ConnectOutcome, ClientsError>> {
  const def = EDITORS[editor];
  const { configPath } = editorLocation(editor, ctx.paths);
  const path = entryPath(def, options);
  const base = { editor, displayName: def.displayName, entryName: path.name, afterConnect: def.afterConnect };
  try {
    await ctx.fs.stat(configPath);
  } catch (err) {
    // Nothing to disconnect, and no reason to create the editor's folder.
    if (errnoOf(err) === 'ENOENT') {
      const revoked = await revokeCredential(ctx, editor);
      if (!revoked.ok) return revoked;
      return ok({ ...base, file: configPath, changed: false, created: false, backup: null });
    }
  }
  const result = await editConfigFile(
    {
      file: configPath,
      syntax: def.syntax,
      dirMode: EDITOR_DIR_MODE,
      manualHint: `remove "${path.name}" from "${def.container.join('.')}" by hand`,
      transform: (parsed) => ok(removeEntry(parsed, path)),
    },
    ctx,
  );
  if (!result.ok) return result;
  const revoked = await revokeCredential(ctx, editor);
  return revoked.ok ? ok({ ...result.value, ...base }) : revoked;
}

/** The editor key its current entry carries, if any (an unreadable file simply has none). */
async function currentEditorKey(
  ctx: ClientsContext,
  editor: EditorId,
  options: EntryOptions,
): Promise<string | undefined> {
  const def = EDITORS[editor];
  const { configPath } = editorLocation(editor, ctx.paths);
  const text = await ctx.fs.readFile(configPath, 'utf8').catch(() => null);
  if (text === null) return undefined;
  const parsed = parseConfig(text, def.syntax, configPath);
  if (!parsed.ok) return undefined;
  const entry = stdioEntrySchema.safeParse(readEntry(parsed.value, entryPath(def, options)));
  return entry.success ? entry.data.env?.[BRIDGE_ENV.editorKey] : undefined;
}

/**
 * The credential to write into the editor's entry: its registered one when the entry has it (so
 * connecting twice changes nothing), else a new one. Null when this host keeps no credentials.
 */
export async function editorKeyFor(
  ctx: ClientsContext,
  editor: EditorId,
  options: EntryOptions = {},
): Promise<Result<string | null, ClientsError>> {
  if (ctx.credentials === undefined) return ok(null);
  try {
    const { key } = await ctx.credentials.ensure(editor, await currentEditorKey(ctx, editor, options));
    return ok(key);
  } catch (err) {
    return errResult(
      'IO_ERROR',
      `Could not record ${EDITORS[editor].displayName}'s Graph Bridge credential: ${err instanceof Error ? err.message : String(err)}. Nothing was changed.`,
      { file: editorLocation(editor, ctx.paths).configPath },
    );
  }
}

async function revokeCredential(ctx: ClientsContext, editor: EditorId): Promise<Result<null, ClientsError>> {
  try {
    await ctx.credentials?.revoke(editor);
    return ok(null);
  } catch (err) {
    return errResult(
      'IO_ERROR',
      `The entry was removed, but ${EDITORS[editor].displayName}'s Graph Bridge credential could not be revoked: ${err instanceof Error ? err.message : String(err)}. Run the command again.`,
      { file: editorLocation(editor, ctx.paths).configPath },
    );
  }
}

async function exists(ctx: ClientsContext, path: string): Promise<boolean> {
  try {
    await ctx.fs.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** True when any of the paths exists (checked in order, stopping at the first). */
async function anyExists(ctx: ClientsContext, paths: readonly string[]): Promise<boolean> {
  let found = false;
  for (const path of paths) if (!found) found = await exists(ctx, path);
  return found;
}

/** What a status knows before its state: the editor, its file, and the servers in it. */
type StatusFacts = Omit<EditorStatus, 'state' | 'detail'>;

/** The status with its fields in the order every caller (and `connect --list --json`) has seen. */
function withState(facts: StatusFacts, state: ConnectionState, detail: string | null): EditorStatus {
  const { servers, ...rest } = facts;
  return { ...rest, state, detail, servers };
}

/** The state of our entry as found in the file: is it the current launcher, with a valid credential? */
function entryState(
  ctx: ClientsContext,
  editor: EditorId,
  entry: unknown,
): { state: ConnectionState; detail: string | null } {
  const shaped = stdioEntrySchema.safeParse(entry);
  if (!shaped.success) return { state: 'outdated', detail: 'the entry is not a stdio command' };
  const args = shaped.data.args ?? [];
  const ours = ctx.launcher.args;
  const isCurrent = shaped.data.command === ctx.launcher.command && ours.every((a, i) => args[i] === a);
  const extra = args.slice(ours.length).join(' ');
  if (isCurrent && ctx.credentials !== undefined) {
    const key = shaped.data.env?.[BRIDGE_ENV.editorKey];
    if (key === undefined || ctx.credentials.identify(key)?.editor !== editor) {
      const detail = 'has no valid Graph Bridge editor credential, so its approval is not remembered';
      return { state: 'outdated', detail };
    }
  }
  return {
    state: isCurrent ? 'connected' : 'outdated',
    detail: isCurrent ? extra || null : `runs ${[shaped.data.command, ...args].join(' ')}`,
  };
}

/**
 * Installed? (any install marker exists) and connected? — `connected` when our entry runs the current
 * launcher (whatever its flags), `outdated` when it runs something else (a moved or older install).
 */
export async function editorStatus(
  ctx: ClientsContext,
  editor: EditorId,
  options: EntryOptions = {},
): Promise<EditorStatus> {
  const def = EDITORS[editor];
  const location = editorLocation(editor, ctx.paths);
  const base = { editor, displayName: def.displayName, configPath: location.configPath };
  const installed = await anyExists(ctx, location.installMarkers);
  let text: string;
  try {
    text = await ctx.fs.readFile(location.configPath, 'utf8');
  } catch (err) {
    const missing = errnoOf(err) === 'ENOENT';
    const facts = { ...base, installed, configExists: !missing, servers: [] };
    if (missing) return withState(facts, 'not-connected', null);
    return withState(facts, 'unreadable', `cannot read the file (${errnoOf(err) ?? String(err)})`);
  }
  const parsed = parseConfig(text, def.syntax, location.configPath);
  const found = { ...base, installed: true, configExists: true };
  if (!parsed.ok) return withState({ ...found, servers: [] }, 'unreadable', parsed.error.message);
  const servers = entryNames(parsed.value, def.container);
  const current = readEntry(parsed.value, entryPath(def, options));
  if (current === undefined) return withState({ ...found, servers }, 'not-connected', null);
  const { state, detail } = entryState(ctx, editor, current);
  return withState({ ...found, servers }, state, detail);
}

/** Status of every editor, in EDITOR_IDS order. */
export async function listEditors(ctx: ClientsContext, options: EntryOptions = {}): Promise<EditorStatus[]> {
  const out: EditorStatus[] = [];
  for (const id of EDITOR_IDS) out.push(await editorStatus(ctx, id, options));
  return out;
}
