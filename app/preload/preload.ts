/**
 * Preload (sandboxed, context-isolated): exposes the narrow StatusApi as `window.graphBridge`.
 * Nothing else — no ipcRenderer, no Node — crosses into the page.
 */
import { contextBridge } from 'electron';
import { createStatusApi, STATUS_API_KEY } from './api.ts';
import { invoke, subscribe } from './ipc-renderer.ts';

contextBridge.exposeInMainWorld(STATUS_API_KEY, createStatusApi(invoke, subscribe));
