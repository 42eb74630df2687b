/**
 * The ONLY file that touches ipcRenderer. It turns the raw transport into the two typed primitives
 * the StatusApi is built from. The IPC event object is never handed to the page (it carries
 * `sender`, i.e. ipcRenderer itself); listeners get the payload only.
 */
import { ipcRenderer } from 'electron';
import type { WindowInvoke, WindowSubscribe, WindowError } from '../shared/window-contract.ts';
import type { Result } from '../shared/result.ts';

export const invoke: WindowInvoke = async (channel, request) => {
  try {
    // Main parses its answer against the contract before sending it (app/main/window/ipc-router.ts).
    return (await ipcRenderer.invoke(channel, request)) as Result<never, WindowError>;
  } catch (err: unknown) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: { code: 'INTERNAL', message: `The Graph Bridge app did not answer: ${message}` } };
  }
};

export const subscribe: WindowSubscribe = (channel, listener) => {
  const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown): void => {
    listener(payload as Parameters<typeof listener>[0]);
  };
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
};
