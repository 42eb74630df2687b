/**
 * What the broker core needs from the settings (app/broker/settings owns the file and its parsing;
 * the host maps Settings -> BrokerConfig). Read through a getter so tray edits apply at once.
 */
import type { ToolGroup } from '../shared/tool-groups.ts';
import type { ClientPolicy } from './approvals/client-registry.ts';
import type { WritePolicy } from './approvals/write-approvals.ts';
import type { Settings } from './settings/settings-schema.ts';
import type { EndpointConfig } from './settings/derive.ts';
import type { Platform } from '../platform/platform.ts';
import { effectiveUploadFolders, graphBridgeFolders } from '../platform/paths.ts';

export interface BrokerConfig {
  toolGroups: readonly ToolGroup[];
  readOnly: boolean;
  /** e.g. https://graph.microsoft.com/ */
  graphBaseUrl: string;
  api: { baseUrl: string; scope: string } | null;
  /** Unknown clients: 'ask' (pending until the user approves) or 'allow'. */
  clientPolicy: ClientPolicy;
  /** Write approval policy: per-tool overrides, then the default. */
  writePolicy: { default: WritePolicy; tools: Readonly<Record<string, WritePolicy>> };
  /** How long an 'ask' approval waits before it is denied. */
  approvalTimeoutSeconds: number;
  /** Where upload tools may read local files (hello.uploads): settings `uploadFolders` or the platform default. */
  uploads: { allowedFolders: readonly string[]; protectedFolders: readonly string[] };
}

export const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 120;

export function defaultBrokerConfig(overrides: Partial<BrokerConfig> = {}): BrokerConfig {
  return {
    toolGroups: ['profile', 'mail', 'calendar', 'files', 'teams', 'tasks', 'graph'],
    readOnly: false,
    graphBaseUrl: 'https://graph.microsoft.com/',
    api: null,
    clientPolicy: 'ask',
    writePolicy: { default: 'ask', tools: {} },
    approvalTimeoutSeconds: DEFAULT_APPROVAL_TIMEOUT_SECONDS,
    uploads: { allowedFolders: [], protectedFolders: [] },
    ...overrides,
  };
}

/**
 * Maps loaded settings (app/broker/settings) onto what the broker core reads; `platform` resolves the
 * default upload folders and `~`, and names Graph Bridge's own folders.
 */
export function brokerConfigFromSettings(
  settings: Pick<Settings, 'toolGroups' | 'readOnly' | 'api' | 'approvalPolicy' | 'uploadFolders'>,
  endpoints: Pick<EndpointConfig, 'graphBaseUrl'>,
  platform: Pick<Platform, 'os' | 'homedir' | 'paths' | 'defaultUploadFolders'>,
  approvalTimeoutSeconds = DEFAULT_APPROVAL_TIMEOUT_SECONDS,
): BrokerConfig {
  return {
    toolGroups: settings.toolGroups,
    readOnly: settings.readOnly,
    graphBaseUrl: endpoints.graphBaseUrl,
    api: settings.api,
    clientPolicy: settings.approvalPolicy.clients,
    writePolicy: { default: settings.approvalPolicy.writes.default, tools: settings.approvalPolicy.writes.tools },
    approvalTimeoutSeconds,
    uploads: {
      allowedFolders: effectiveUploadFolders(settings.uploadFolders, {
        os: platform.os,
        homedir: platform.homedir,
        defaults: platform.defaultUploadFolders,
      }),
      protectedFolders: graphBridgeFolders(platform.paths),
    },
  };
}

/** Where and as whom the broker listens, from the platform facts — shared by the agent and the tray host. */
export function brokerPlacement(platform: Platform): {
  endpoint: Platform['paths']['endpoint'];
  isPipe: boolean;
  uid: number | undefined;
  stateDir: string;
} {
  return {
    endpoint: platform.paths.endpoint,
    isPipe: platform.os === 'win32',
    uid: platform.uid ?? undefined,
    stateDir: platform.paths.stateDir,
  };
}
