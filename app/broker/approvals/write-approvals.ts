/**
 * Human-in-the-loop approval of write actions (send mail, delete a file, graph_request writes).
 *
 * Policy per tool: 'allow' (no question), 'deny' (never), 'ask' (a pending approval that the tray or
 * `graph-bridge approvals allow|deny <id>` decides; denied after a timeout). A broker without an
 * interactive approver (the headless agent by default) denies 'ask' at once, saying how to allow it.
 */
import { fail, ok } from '../protocol.ts';
import type { ApprovalRequestParams, ApprovalRequestResult, BrokerStatus, Result } from '../protocol.ts';
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
            `Writes by "${params.tool}" are denied by policy. To allow them, set its approval policy to "ask" or ` +
            `"allow" in the Graph Bridge settings (approvals).`,
        });
      }
      if (!options.interactive) {
        return Promise.resolve({
          approved: false,
          reason:
            `Nobody can approve "${params.tool}" here: the headless agent has no approval prompt. Either run the agent ` +
            `with --approvals=ask and approve with "graph-bridge approvals allow <id>", or set the approval policy ` +
            `for "${params.tool}" to "allow" in the Graph Bridge settings.`,
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
                reason: `Nobody approved within ${Math.round(ms / 1000)} s, so the write was not made. Ask again and approve it in the Graph Bridge tray or with "graph-bridge approvals allow <id>".`,
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
          `No pending approval "${id}" (it may have timed out). Run "graph-bridge approvals" to list them.`,
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
