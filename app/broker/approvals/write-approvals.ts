/**
 * Human-in-the-loop approval of write actions (send mail, delete a file, graph_request writes).
 *
 * Policy per tool: 'allow' (no question), 'deny' (never), 'ask' (a pending approval that the user
 * decides in the window or, with the one-time code, from a terminal; denied after a timeout). A broker
 * without an interactive approver (the headless agent by default) denies 'ask' at once.
 *
 * Every `reason` goes back to the bridge and so to the MODEL: it says what happened and what the user
 * can do, never a command that grants access (a model with a shell would run it).
 */
import { fail, ok } from '../../shared/result.ts';
import type { ApprovalRequestParams, ApprovalRequestResult, BrokerStatus } from '../../shared/bridge-contract.ts';
import type { Result } from '../../shared/result.ts';
import type { WriteDecision } from '../broker-api.ts';

export type WritePolicy = 'ask' | 'allow' | 'deny';

export interface WriteApprovalsOptions {
  now: () => Date;
  newId: () => string;
  timeoutMs: () => number;
  /** Effective policy for a tool (settings + remembered "always allow"). */
  policy: (tool: string) => WritePolicy;
  /** True when someone can answer (tray; agent started with --approvals=ask). */
  interactive: boolean;
  rememberAllowed: (tool: string) => void;
  onChange: () => void;
  setTimer?: (fn: () => void, ms: number) => { clear(): void };
}

type Pending = BrokerStatus['pendingApprovals'][number] & {
  resolve(result: ApprovalRequestResult): void;
  timer: { clear(): void };
};

export type WriteApprovals = ReturnType<typeof createWriteApprovals>;

const defaultSetTimer = (fn: () => void, ms: number): { clear(): void } => {
  const t = setTimeout(fn, ms);
  t.unref();
  return { clear: () => clearTimeout(t) };
};

export function createWriteApprovals(options: WriteApprovalsOptions) {
  const pending = new Map<string, Pending>();
  const setTimer = options.setTimer ?? defaultSetTimer;

  const settle = (id: string, result: ApprovalRequestResult): void => {
    const item = pending.get(id);
    if (item === undefined) return;
    pending.delete(id);
    item.timer.clear();
    item.resolve(result);
    options.onChange();
  };

  return {
    request(client: string, params: ApprovalRequestParams): Promise<ApprovalRequestResult> {
      const policy = options.policy(params.tool);
      if (policy === 'allow') return Promise.resolve({ approved: true });
      if (policy === 'deny') {
        return Promise.resolve({
          approved: false,
          reason:
            `The user's Graph Bridge settings deny writes by "${params.tool}", so nothing was changed. Only the user ` +
            `can change that policy, in the Graph Bridge window (Settings).`,
        });
      }
      if (!options.interactive) {
        return Promise.resolve({
          approved: false,
          reason:
            `Nobody can approve "${params.tool}" here, so nothing was changed: the Graph Bridge agent runs without ` +
            `approval prompts. The user can start the agent with approvals on (--approvals=ask) or use the Graph ` +
            `Bridge app, and approve writes there.`,
        });
      }
      const now = options.now();
      const ms = options.timeoutMs();
      const id = options.newId();
      return new Promise<ApprovalRequestResult>((resolve) => {
        pending.set(id, {
          id,
          client,
          tool: params.tool,
          summary: params.summary,
          details: params.details ?? {},
          requestedAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + ms).toISOString(),
          resolve,
          timer: setTimer(
            () =>
              settle(id, {
                approved: false,
                reason: `Nobody approved within ${Math.round(ms / 1000)} s, so the write was not made. The user approves writes in the Graph Bridge window (tray icon) or in the terminal running the Graph Bridge agent; ask them, then try again.`,
              }),
            ms,
          ),
        });
        options.onChange();
      });
    },
    decide(id: string, decision: WriteDecision): Result<void> {
      const item = pending.get(id);
      if (item === undefined) {
        return fail(
          'BAD_REQUEST',
          `No pending approval "${id}": it may have timed out or been decided already. The list of pending approvals shows what is waiting.`,
        );
      }
      if (decision === 'allow-always') options.rememberAllowed(item.tool);
      settle(
        id,
        decision === 'deny'
          ? { approved: false, reason: 'The user denied this write.' }
          : { approved: true, remember: decision === 'allow-always' },
      );
      return ok(undefined);
    },
    list(): BrokerStatus['pendingApprovals'] {
      return [...pending.values()].map((p) => ({
        id: p.id,
        client: p.client,
        tool: p.tool,
        summary: p.summary,
        details: p.details,
        requestedAt: p.requestedAt,
        expiresAt: p.expiresAt,
      }));
    },
    /** Denies everything pending (pause, shutdown). */
    denyAll(reason: string): void {
      for (const id of [...pending.keys()]) settle(id, { approved: false, reason });
    },
  };
}
