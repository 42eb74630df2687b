/**
 * Status window entry: loads state through `window.graphBridge` (the preload's StatusApi), renders
 * each section, re-renders on status events, and ticks countdowns once a second.
 *
 *   page.ts      elements by id, the live regions for results
 *   render.ts    the sections table and the header
 *   refresh.ts   the first load, pushed events, user actions and the refresh after them
 */
import { emptyState, type Ctx } from './context.ts';
import { byId } from './page.ts';
import { act, firstLoad, listen, refreshAudit, type Loader } from './refresh.ts';
import { createRender } from './render.ts';
import { tickCountdowns } from './sections/account.ts';
import type { StatusApi } from './types.ts';

export function startWindow(api: StatusApi, now: () => number = Date.now): Ctx {
  const state = emptyState();
  const render = createRender();
  const loader: Loader = { api, state, render: () => render(ctx), statusEpoch: 0 };
  const ctx: Ctx = {
    api,
    state,
    now,
    rerender: () => render(ctx, true),
    refreshAudit: () => refreshAudit(loader),
    act: (button, work, success) => act(loader, { button, work, success }),
  };
  listen(loader);

  const pause = byId('pause-toggle') as HTMLButtonElement;
  pause.addEventListener('click', () => void ctx.act(pause, () => api.setPaused(!(state.status?.paused ?? false))));

  void firstLoad(loader);
  setInterval(() => tickCountdowns(document, now()), 1000);
  render(ctx);
  return ctx;
}

startWindow(window.graphBridge);
