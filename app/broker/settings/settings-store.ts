/**
 * Owns `<configDir>/settings.json`: a JSON object whose keys are those of `settingsSchema`
 * (settings-schema.ts), all optional; missing keys take defaults. File mode 0600, written atomically.
 * Environment variables (env-overrides.ts) are applied on top when loading; `saveSettings` writes only
 * what it is given (never the environment's values).
 */
import { errnoOf } from '../../shared/errno.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../platform/atomic-file.ts';
import type { Result } from '../../shared/result.ts';
import { applyEnvOverrides } from './env-overrides.ts';
import { deriveEndpoints, type EndpointConfig } from './derive.ts';
import { formatSettingsIssues, type SettingsProblem } from './format-issues.ts';
import { settingsSchema, type Settings } from './settings-schema.ts';

export const SETTINGS_FILE = 'settings.json';

export interface LoadedSettings {
  settings: Settings;
  endpoints: EndpointConfig;
  /** Absolute path of the settings file (it may not exist yet). */
  path: string;
  fileExists: boolean;
  /** Settings key → environment variable that overrode it. */
  envOrigins: Record<string, string>;
}

export interface SettingsLoadError {
  code: 'SETTINGS_INVALID' | 'SETTINGS_UNREADABLE';
  message: string;
  problems: SettingsProblem[];
}

export type SettingsResult = Result<LoadedSettings, SettingsLoadError>;

export interface LoadSettingsOptions {
  configDir: string;
  /** Default: no overrides. Pass `platform.env` to honour GRAPH_BRIDGE_* variables. */
  env?: Readonly<Record<string, string | undefined>>;
}

export function settingsPath(configDir: string): string {
  return join(configDir, SETTINGS_FILE);
}

/**
 * settings.json as a raw object (before validation), or an error that says what is wrong with the
 * file and how to fix it: unreadable (permissions), not JSON, or not an object. Missing = empty.
 */
export async function readRawSettings(
  path: string,
  readText: (path: string) => Promise<string> = (p) => readFile(p, 'utf8'),
): Promise<{ raw: Record<string, unknown>; exists: boolean } | { error: string }> {
  let text: string;
  try {
    text = await readText(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { raw: {}, exists: false };
    return { error: `Cannot read ${path}: ${(err as Error).message}. Check the file's permissions.` };
  }
  if (text.trim() === '') return { raw: {}, exists: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { error: `${path} is not valid JSON (${(err as Error).message}). Fix or delete it to use the defaults.` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { error: `${path} must contain a JSON object like {"tenant": "organizations"}.` };
  }
  return { raw: parsed as Record<string, unknown>, exists: true };
}

/** Validates raw settings (file + env) and derives endpoints. Exposed for tests and the CLI's `config check`. */
export function parseSettings(
  fileRaw: Record<string, unknown>,
  options: { source: string; env?: Readonly<Record<string, string | undefined>> },
):
  | { ok: true; settings: Settings; endpoints: EndpointConfig; envOrigins: Record<string, string> }
  | { ok: false; problems: SettingsProblem[] } {
  const { raw, origins } = applyEnvOverrides(fileRaw, options.env ?? {});
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: formatSettingsIssues(parsed.error.issues, raw, { source: options.source, envOrigins: origins }),
    };
  }
  return { ok: true, settings: parsed.data, endpoints: deriveEndpoints(parsed.data), envOrigins: origins };
}

export async function loadSettings(options: LoadSettingsOptions): Promise<SettingsResult> {
  const path = settingsPath(options.configDir);
  const read = await readRawSettings(path);
  if ('error' in read) return { ok: false, error: { code: 'SETTINGS_UNREADABLE', message: read.error, problems: [] } };
  const parsed = parseSettings(read.raw, { source: path, env: options.env });
  if (!parsed.ok) {
    const message = parsed.problems.map((p) => p.message).join('\n');
    return { ok: false, error: { code: 'SETTINGS_INVALID', message, problems: parsed.problems } };
  }
  const { settings, endpoints, envOrigins } = parsed;
  return { ok: true, value: { settings, endpoints, path, fileExists: read.exists, envOrigins } };
}

/**
 * Validates and writes settings (a partial object is completed with defaults and written in full,
 * so the file documents every value). Returns the problems instead of writing on invalid input.
 */
export async function saveSettings(
  configDir: string,
  settings: Partial<Settings> | Record<string, unknown>,
): Promise<{ ok: true; settings: Settings } | { ok: false; problems: SettingsProblem[] }> {
  const path = settingsPath(configDir);
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) {
    return { ok: false, problems: formatSettingsIssues(parsed.error.issues, settings, { source: 'the new settings' }) };
  }
  await writeFileAtomic(path, `${JSON.stringify(parsed.data, null, 2)}\n`);
  return { ok: true, settings: parsed.data };
}

export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}
