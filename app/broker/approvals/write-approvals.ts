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
  const state: ApprovalsState = { options, pending: new Map(), setTimer: options.setTimer ?? defaultSetTimer };
  return {
    request: (client: string, params: ApprovalRequestParams): Promise<ApprovalRequestResult> => {
      const answer = answerAtOnce(options, params.tool);
      return answer === null ? holdForUser(state, client, params) : Promise.resolve(answer);
    },
    decide: (id: string, decision: WriteDecision): Result<void> => decide(state, id, decision),
    list: (): BrokerStatus['pendingApprovals'] => [...state.pending.values()].map(shown),
    /** Denies everything pending (pause, shutdown). */
    denyAll: (reason: string): void => {
      for (const id of [...state.pending.keys()]) settle(state, id, { approved: false, reason });
    },
  };
}

interface ApprovalsState {
  options: WriteApprovalsOptions;
  /** Approvals waiting for the user, by id. */
  pending: Map<string, Pending>;
  setTimer: NonNullable<WriteApprovalsOptions['setTimer']>;
}

/** The answer when the policy or a missing approver decides without asking; null when the user must. */
function answerAtOnce(options: WriteApprovalsOptions, tool: string): ApprovalRequestResult | null {
  const policy = options.policy(tool);
  if (policy === 'allow') return { approved: true };
  if (policy === 'deny') {
    return {
      approved: false,
      reason:
        `The user's Graph Bridge settings deny writes by "${tool}", so nothing was changed. Only the user ` +
        `can change that policy, in the Graph Bridge window (Settings).`,
    };
  }
  if (!options.interactive) {
    return {
      approved: false,
      reason:
        `Nobody can approve "${tool}" here, so nothing was changed: the Graph Bridge agent runs without ` +
        `approval prompts. The user can start the agent with approvals on (--approvals=ask) or use the Graph ` +
        `Bridge app, and approve writes there.`,
    };
  }
  return null;
}

/** Adds a pending approval that settles when the user decides or, unanswered, after the timeout. */
function holdForUser(
  state: ApprovalsState,
  client: string,
  params: ApprovalRequestParams,
): Promise<ApprovalRequestResult> {
  const { options } = state;
  const now = options.now();
  const ms = options.timeoutMs();
  const id = options.newId();
  return new Promise<ApprovalRequestResult>((resolve) => {
    state.pending.set(id, {
      id,
      client,
      tool: params.tool,
      summary: params.summary,
      details: params.details ?? {},
      requestedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ms).toISOString(),
      resolve,
      timer: state.setTimer(() => settle(state, id, timedOut(ms)), ms),
    });
    options.onChange();
  });
}

function timedOut(ms: number): ApprovalRequestResult {
  return {
    approved: false,
    reason: `Nobody approved within ${Math.round(ms / 1000)} s, so the write was not made. The user approves writes in the Graph Bridge window (tray icon) or in the terminal running the Graph Bridge agent; ask them, then try again.`,
  };
}

function decide(state: ApprovalsState, id: string, decision: WriteDecision): Result<void> {
  const item = state.pending.get(id);
  if (item === undefined) {
    return fail(
      'BAD_REQUEST',
      `No pending approval "${id}": it may have timed out or been decided already. The list of pending approvals shows what is waiting.`,
    );
  }
  if (decision === 'allow-always') state.options.rememberAllowed(item.tool);
  settle(
    state,
    id,
    decision === 'deny'
      ? { approved: false, reason: 'The user denied this write.' }
      : { approved: true, remember: decision === 'allow-always' },
  );
  return ok(undefined);
}

/** Answers a pending approval once: later calls for the same id (a late timer) do nothing. */
function settle(state: ApprovalsState, id: string, result: ApprovalRequestResult): void {
  const item = state.pending.get(id);
  if (item === undefined) return;
  state.pending.delete(id);
  item.timer.clear();
  item.resolve(result);
  state.options.onChange();
}

/** A pending approval as the status shows it (without its resolver and timer). */
function shown(p: Pending): BrokerStatus['pendingApprovals'][number] {
  return {
    id: p.id,
    client: p.client,
    tool: p.tool,
    summary: p.summary,
    details: p.details,
    requestedAt: p.requestedAt,
    expiresAt: p.expiresAt,
  };
}
