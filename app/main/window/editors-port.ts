/**
 * The window's and tray's "Connect editor" over app/clients (the same functions `graph-bridge
 * connect` uses): list every supported editor with installed/connected state, and connect one.
 */
import { EDITOR_IDS } from '../../platform/editor-paths.ts';
import type { BridgeOptions } from '../../clients/bridge-launcher.ts';
import { connectEditor, editorStatus, isEditorId, type ClientsContext } from '../../clients/connections.ts';
import type { EditorsPort } from './window-handlers.ts';
import type { EditorInfo } from '../../shared/window-contract.ts';

export interface EditorsPortDeps {
  clients: ClientsContext;
  /** Options written into the entry (GRAPH_BRIDGE_HOME, extra CA), from the current settings. */
  bridgeOptions(): BridgeOptions;
}

export function createEditorsPort(deps: EditorsPortDeps): EditorsPort {
  const info = async (id: (typeof EDITOR_IDS)[number]): Promise<EditorInfo> => {
    const s = await editorStatus(deps.clients, id);
    return {
      id,
      name: s.displayName,
      detected: s.installed || s.configExists,
      connected: s.state === 'connected',
      configPath: s.configPath,
    };
  };
  return {
    list: () => Promise.all(EDITOR_IDS.map(info)),
    async connect(id) {
      if (!isEditorId(id)) {
        return { ok: false, error: { code: 'INVALID_PAYLOAD', message: `"${id}" is not a supported editor.` } };
      }
      const r = await connectEditor(deps.clients, id, deps.bridgeOptions());
      if (!r.ok) return { ok: false, error: { code: 'EDITOR_FAILED', message: r.error.message } };
      return { ok: true, value: await info(id) };
    },
  };
}
