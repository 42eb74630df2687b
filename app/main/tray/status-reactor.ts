/**
 * Reacts to every broker status change in the tray app: updates the tray, forwards the status to the
 * window, raises notifications for new items, and brings the window forward when a write approval
 * arrives (the approval prompt lives there; the broker denies it on timeout, the window counts down).
 */
import type { BrokerStatus } from '../../shared/bridge-contract.ts';
import { notificationsFor, type NotificationModel } from './notifications.ts';

export interface StatusReactorDeps {
  updateTray(status: BrokerStatus): void;
  sendToWindow(status: BrokerStatus): void;
  notify(notification: NotificationModel): void;
  /** Shows and focuses the status window (creating it if needed). */
  showWindow(reason: 'write-approval'): void;
}

/** Ids of write approvals that appeared since `prev`. */
export function newWriteApprovals(prev: BrokerStatus | null, next: BrokerStatus): string[] {
  const before = new Set(prev?.pendingApprovals.map((a) => a.id) ?? []);
  return next.pendingApprovals.filter((a) => !before.has(a.id)).map((a) => a.id);
}

export function createStatusReactor(deps: StatusReactorDeps): { handle(status: BrokerStatus): void } {
  let prev: BrokerStatus | null = null;
  return {
    handle(status) {
      deps.updateTray(status);
      deps.sendToWindow(status);
      for (const n of notificationsFor(prev, status)) deps.notify(n);
      if (newWriteApprovals(prev, status).length > 0) deps.showWindow('write-approval');
      prev = status;
    },
  };
}
