/**
 * What the integration tests of the bridge's tools share: reading a tool result, the emulator's
 * request log as the proof of what reached Graph, and deciding a write's approval like the user in
 * the tray. The emulator, broker and bridge are created in each test's `before`, so the harness takes
 * a function that returns them when a helper runs:
 *
 *   const { lastSeq, graphCalls, decide, deniedSendsNothing } = toolHarness(() => ({
 *     emulator, broker: broker.broker, bridge,
 *   }));
 *
 * startToolRig starts the usual three: the emulator, a broker signed in as Adele (after her consent to
 * the scopes given) and a bridge over stdio; its close() stops them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { BrokerCore } from '../../app/broker/broker.ts';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import type { BrokerStatus } from '../../app/shared/bridge-contract.ts';
import { decidePendingWrite, startTestBroker, type TestBroker, type TestBrokerOptions } from './broker.ts';
import { startEmulator, type RunningEmulator } from './emulator.ts';
import { resultText, startBridgeClient, type BridgeClient, type BridgeClientOptions } from './mcp-client.ts';

export type Pending = BrokerStatus['pendingApprovals'][number];
export type Decision = 'allow-once' | 'deny';

/** What the user saw in the approval: its one-line summary and its detail rows. */
export interface Asked {
  summary: string;
  details: Record<string, string>;
}

const ON_DEMAND = new Set(
  Object.values(GROUP_SCOPES).flatMap((g) => [...(g.onDemand?.read ?? []), ...(g.onDemand?.write ?? [])]),
);

/**
 * Every group's sign-in scopes, less any scope some group only asks for on demand (Sites.Read.All is
 * the sites group's sign-in scope but the search group's on-demand one): what signing in with every
 * group on consents to, as if a tenant admin had consented to the admin-only ones.
 */
export const BASE_SCOPES: readonly string[] = [
  ...new Set(Object.values(GROUP_SCOPES).flatMap((g) => [...g.read, ...g.write])),
].filter((s) => !ON_DEMAND.has(s));

/** The text of a tool result that must not be an error (the error text is the failure message). */
export function okText(r: CallToolResult): string {
  assert.notEqual(r.isError, true, resultText(r));
  return resultText(r);
}

/** The structured content of a tool result that must not be an error. */
export function okStructured<T>(r: CallToolResult): T {
  assert.notEqual(r.isError, true, resultText(r));
  return r.structuredContent as T;
}

/** The short id of the first list entry (`- [id] …`) whose line matches `line`. */
export function idOf(listText: string, line: RegExp): string {
  const found = listText.split('\n').find((l) => /^- \[[^\]]+\]/.test(l) && line.test(l));
  const id = found ? /^- \[([^\]]+)\]/.exec(found)?.[1] : undefined;
  assert.ok(id, `no entry matching ${String(line)} in:\n${listText}`);
  return id;
}

export interface ToolHarnessParts {
  emulator: RunningEmulator;
  /** The broker the bridge talks to: its pending approvals are decided here. */
  broker: BrokerCore;
  bridge: BridgeClient;
}

/** The helpers bound to one test file's emulator, broker and bridge (see the module comment). */
export function toolHarness(parts: () => ToolHarnessParts) {
  /** The sequence number of the emulator's last logged request (0 before any). */
  const lastSeq = (): number => parts().emulator.control.requests().at(-1)?.seq ?? 0;

  /** Graph requests since `since`, optionally only those with `method` whose decoded path matches `path`. */
  const graphCalls = (since: number, method?: string, path?: RegExp) =>
    parts()
      .emulator.control.requests(since)
      .filter(
        (r) =>
          r.host === 'graph' &&
          (method === undefined || r.method === method) &&
          (path === undefined || path.test(decodeURIComponent(r.path))),
      );

  /** Graph requests since `since` that change something: any but a GET, and any to an upload URL. */
  const graphWrites = (since: number) =>
    graphCalls(since).filter((r) => r.method !== 'GET' || r.path.startsWith('/_up/'));

  /** graphWrites as "METHOD /decoded/path" lines. */
  const writesSince = (since: number): string[] =>
    graphWrites(since).map((r) => `${r.method} ${decodeURIComponent(r.path)}`);

  /** Runs a write tool that must ask, gives the user's decision, and returns the result and what it asked. */
  const decide = async (
    tool: string,
    args: Record<string, unknown>,
    decision: Decision,
  ): Promise<{ result: CallToolResult; asked: Asked }> => {
    const { broker, bridge } = parts();
    const call = bridge.call(tool, args);
    const asked = await decidePendingWrite(broker, tool, decision, call);
    return { result: await call, asked };
  };

  /**
   * Runs a tool that may or may not ask: when it asks, runs `beforeDecide` (the approval hook, e.g.
   * changing a file between approval and send) and then decides. `asked` is undefined when it never asked.
   */
  const callDeciding = async (
    tool: string,
    args: Record<string, unknown>,
    decision: Decision = 'allow-once',
    beforeDecide: (pending: Pending) => Promise<void> = () => Promise.resolve(),
  ): Promise<{ result: CallToolResult; asked: Pending | undefined }> => {
    const { broker, bridge } = parts();
    let asked: Pending | undefined;
    let deciding: Promise<void> | undefined;
    const onStatus = (status: BrokerStatus): void => {
      const pending = status.pendingApprovals.find((p) => p.tool === tool);
      if (!pending || asked) return;
      asked = pending;
      deciding = beforeDecide(pending).then(() => {
        assert.ok(broker.decideWrite(pending.id, decision).ok, 'the approval could be decided');
      });
    };
    const unsubscribe = broker.onStatusChanged(onStatus);
    try {
      const call = bridge.call(tool, args);
      onStatus(broker.status());
      const result = await call;
      await deciding;
      return { result, asked };
    } finally {
      unsubscribe();
    }
  };

  /**
   * A write the user denies: it asked (showing `summary`, when given), the model was told nothing was
   * sent, and nothing but reads reached Graph. Returns what the approval showed.
   */
  const deniedSendsNothing = async (tool: string, args: Record<string, unknown>, summary?: RegExp): Promise<Asked> => {
    const since = lastSeq();
    const { asked, result } = await decide(tool, args, 'deny');
    if (summary) assert.match(asked.summary, summary);
    assert.equal(result.isError, true);
    assert.match(resultText(result), /did not approve this action.*nothing was sent or changed/s);
    assert.deepEqual(writesSince(since), [], `${tool} ${JSON.stringify(args)}: the denied write never reached Graph`);
    return asked;
  };

  return { lastSeq, graphCalls, graphWrites, writesSince, decide, callDeciding, deniedSendsNothing };
}

export interface ToolRigOptions {
  /** The scopes Adele consented to before signing in (default BASE_SCOPES). */
  grant?: readonly string[];
  broker: Omit<TestBrokerOptions, 'emulator'>;
  bridge: Omit<BridgeClientOptions, 'home' | 'caPath'>;
  /**
   * With a prefix: a temp folder (`work`) the user allows uploads from (settings uploadFolders) and the
   * bridge's download folder inside it (`downloads`, GRAPH_BRIDGE_DOWNLOAD_DIR); close() removes it.
   */
  workPrefix?: string;
}

export interface ToolRig {
  emulator: RunningEmulator;
  /** Adele's directory object id (for later grants). */
  adeleOid: string;
  broker: TestBroker;
  bridge: BridgeClient;
  /** With workPrefix: the upload folder and the download folder inside it; else empty strings. */
  work: string;
  downloads: string;
  /** Closes the bridge, stops the broker (removing its temp home), closes the emulator, removes `work`. */
  close(): Promise<void>;
}

interface WorkFolders {
  work: string;
  downloads: string;
  settings: Record<string, unknown>;
  env: Record<string, string>;
}

async function workFolders(prefix: string | undefined): Promise<WorkFolders> {
  if (prefix === undefined) return { work: '', downloads: '', settings: {}, env: {} };
  const work = await mkdtemp(join(tmpdir(), prefix));
  const downloads = join(work, 'downloads');
  return { work, downloads, settings: { uploadFolders: [work] }, env: { GRAPH_BRIDGE_DOWNLOAD_DIR: downloads } };
}

/** The emulator, a broker signed in as Adele with `grant` consented, and a bridge spawned over stdio. */
export async function startToolRig(options: ToolRigOptions): Promise<ToolRig> {
  const folders = await workFolders(options.workPrefix);
  const emulator = await startEmulator();
  let broker: TestBroker | undefined;
  // Each step runs even if an earlier one fails: a failed teardown must not leave the emulator serving
  // (the file's process would then hang until the tier's timeout instead of reporting the failure).
  const stop = async (): Promise<void> => {
    try {
      await broker?.stop();
    } finally {
      try {
        await emulator.close();
      } finally {
        if (folders.work) await rm(folders.work, { recursive: true, force: true });
      }
    }
  };
  try {
    const adele = emulator.users.find((u) => u.upn.startsWith('adele'));
    assert.ok(adele, 'the emulator seeds Adele');
    emulator.control.setGrant(adele.oid, emulator.clientId, [...(options.grant ?? BASE_SCOPES)]);
    broker = await startTestBroker({
      emulator,
      user: adele.upn,
      ...options.broker,
      settings: { ...folders.settings, ...options.broker.settings },
    });
    const bridge = await startBridgeClient({
      home: broker.home,
      caPath: emulator.caPath,
      ...options.bridge,
      env: { ...folders.env, ...options.bridge.env },
    });
    const close = async (): Promise<void> => {
      try {
        await bridge.close();
      } finally {
        await stop();
      }
    };
    return { emulator, adeleOid: adele.oid, broker, bridge, work: folders.work, downloads: folders.downloads, close };
  } catch (e) {
    await stop();
    throw e;
  }
}
