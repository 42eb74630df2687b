/** Starts a real broker core (real sockets in a temp dir) over the fake AuthService, for unit tests. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBroker } from '../../../app/broker/broker.ts';
import type { BrokerCore, BrokerDeps } from '../../../app/broker/broker.ts';
import { defaultBrokerConfig } from '../../../app/broker/broker-config.ts';
import type { BrokerConfig } from '../../../app/broker/broker-config.ts';
import { createSecretRegistry, silentLogger, type Logger } from '../../../app/broker/log/logger.ts';
import { PROTOCOL_VERSION } from '../../../app/shared/constants.ts';
import { resolveBrokerEndpoint } from '../../../app/shared/endpoint.ts';
import type { ToolCatalogEntry } from '../../../app/shared/bridge-contract.ts';
import { connectRpc } from '../../../app/shared/rpc-client.ts';
import type { RpcClient } from '../../../app/shared/rpc-client.ts';
import { createFakeAuth } from './fake-auth-service.ts';
import { createEditorCredentials, EDITOR_KEYS_FILE } from '../../../app/broker/approvals/editor-credentials.ts';
import type { ConfirmationPrompt } from '../../../app/broker/admin/confirmations.ts';
import type { SettingsControl } from '../../../app/broker/admin/settings-control.ts';
import type { FakeAuth } from './fake-auth-service.ts';

export const MAIL_LIST: ToolCatalogEntry = { name: 'mail_list', group: 'mail', scopes: ['Mail.Read'], readOnly: true };
export const SEND_MAIL: ToolCatalogEntry = { name: 'send_mail', group: 'mail', scopes: ['Mail.Send'], readOnly: false };

export interface Harness {
  home: string;
  broker: BrokerCore;
  auth: FakeAuth;
  config: BrokerConfig;
  key(): Promise<string>;
  /** Connects, says hello as `name` (with an editor credential when given) and declares `tools` (default: one mail read tool). */
  bridge(name?: string, tools?: ToolCatalogEntry[], editorKey?: string): Promise<{ client: RpcClient; hello: unknown }>;
  /** Mints a credential for `editor`, as `graph-bridge connect` does. */
  editorKey(editor: string): Promise<string>;
  /** Confirmation codes the broker showed (the host hook's view: the tray window / agent terminal). */
  codes: ConfirmationPrompt[];
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    config?: Partial<BrokerConfig>;
    interactiveApprovals?: boolean;
    auth?: FakeAuth;
    ipcLimits?: BrokerDeps['ipcLimits'];
    /** false: a host with nowhere to show confirmation codes. */
    showCodes?: boolean;
    settings?: SettingsControl;
    now?: () => Date;
    logger?: Logger;
  } = {},
): Promise<Harness> {
  const home = await mkdtemp(join(tmpdir(), 'gb-broker-'));
  const endpoint = resolveBrokerEndpoint({
    platform: 'linux',
    env: { GRAPH_BRIDGE_HOME: home },
    homedir: home,
    username: 'u',
  });
  const auth = options.auth ?? createFakeAuth();
  const config = defaultBrokerConfig(options.config);
  const codes: ConfirmationPrompt[] = [];
  const broker = createBroker({
    auth,
    endpoint,
    isPipe: false,
    uid: process.getuid?.(),
    stateDir: join(home, 'state'),
    config: () => config,
    version: '0.0.0-test',
    logger: options.logger ?? silentLogger,
    secrets: createSecretRegistry(),
    interactiveApprovals: options.interactiveApprovals ?? true,
    ...(options.ipcLimits === undefined ? {} : { ipcLimits: options.ipcLimits }),
    ...(options.showCodes === false
      ? {}
      : {
          showConfirmation: (p: ConfirmationPrompt) => {
            codes.push(p);
            return 'the test window';
          },
        }),
    ...(options.settings === undefined ? {} : { settings: options.settings }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  await broker.start();
  const credentials = createEditorCredentials({ filePath: join(home, 'state', EDITOR_KEYS_FILE) });
  const key = async (): Promise<string> => (await readFile(endpoint.keyPath, 'utf8')).trim();
  const open: RpcClient[] = [];
  return {
    home,
    broker,
    auth,
    config,
    key,
    codes,
    editorKey: async (editor) => (await credentials.ensure(editor)).key,
    async bridge(name = 'test-editor', tools = [MAIL_LIST], editorKey?: string) {
      const client = await connectRpc(endpoint.path);
      open.push(client);
      const hello = await client.call('hello', {
        protocolVersion: PROTOCOL_VERSION,
        key: await key(),
        client: { name, version: '1', pid: process.pid },
        ...(editorKey === undefined ? {} : { editorKey }),
      });
      await client.call('tools.declare', { tools });
      return { client, hello };
    },
    async close() {
      for (const c of open) c.close();
      await broker.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}
