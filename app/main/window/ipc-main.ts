/**
 * The ONLY file that touches ipcMain (lint enforces it). Binds the validated router
 * (ipc-router.ts: sender check + zod parse + Result answers) to Electron, and sends main→window
 * events through the contract so they are parsed (and stripped of unknown keys) before leaving main.
 */
import { ipcMain, type WebContents } from 'electron';
import { createIpcRouter, type IpcRouter, type IpcRouterOptions } from './ipc-router.ts';
import { WINDOW_EVENTS, type WindowEvent, type WindowEventChannel } from '../../shared/window-contract.ts';

export function createWindowIpc(options: Omit<IpcRouterOptions, 'registrar'>): IpcRouter {
  return createIpcRouter({ ...options, registrar: ipcMain });
}

/** Sends an event to the window after parsing it with the event schema. */
export function sendWindowEvent<E extends WindowEventChannel>(
  contents: Pick<WebContents, 'send' | 'isDestroyed'>,
  channel: E,
  payload: WindowEvent<E>,
): void {
  if (contents.isDestroyed()) return;
  contents.send(channel, WINDOW_EVENTS[channel].parse(payload));
}
