/**
 * The token memo (app/broker/auth/token-memo.ts) end to end: a real broker with the OS-keychain cache,
 * signed in to the Entra emulator, asked for tokens over its socket like a bridge. Repeated token.get
 * answers come from the memo; a sign-out, an account switch, a consent change, a sign-out by ANOTHER
 * sign-in core on the same profile (what `graph-bridge logout` runs when no broker answers), and a
 * settings change are never answered from a stale memo. Tokens never reach the logs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { TENANT_DOMAIN } from '../emulator/fixtures.ts';
import { scanForSecrets, startTestBroker, type TestBroker } from '../helpers/broker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { connectRpc, type RpcClient } from '../../app/shared/rpc-client.ts';
import { PROTOCOL_VERSION } from '../../app/shared/constants.ts';
import { resultSchema, tokenGetResultSchema, type TokenGetResult } from '../../app/shared/bridge-contract.ts';
import { createAuthService } from '../../app/broker/auth/create-auth-service.ts';
import { createPlatform } from '../../app/platform/platform.ts';
import { loadSettings } from '../../app/broker/settings/settings-store.ts';

const ADELE = `adele@${TENANT_DOMAIN}`;
const MEGAN = `megan@${TENANT_DOMAIN}`;

async function bridge(tb: TestBroker): Promise<RpcClient> {
  const c = await connectRpc(tb.endpoint.path);
  await c.call('hello', {
    protocolVersion: PROTOCOL_VERSION,
    key: (await readFile(tb.endpoint.keyPath, 'utf8')).trim(),
    client: { name: 'memo-test', version: '1', pid: process.pid },
  });
  return c;
}

/** token.get as the bridge sends it: the token, or the error code of the typed failure. */
async function tokenGet(c: RpcClient, scopes: string[]): Promise<TokenGetResult | string> {
  const r = resultSchema(tokenGetResultSchema).parse(await c.call('token.get', { scopes }));
  return r.ok ? r.value : r.error.code;
}

function token(r: TokenGetResult | string): TokenGetResult {
  if (typeof r === 'string') assert.fail(`expected a token, got: ${r}`);
  return r;
}

/**
 * token.get until the memo answers it (right after a cache write the marker's time cannot tell a second
 * write apart for a moment, so the memo steps aside — cache-stamp.ts): the memoized token.
 */
async function memoized(tb: TestBroker, c: RpcClient, scopes: string[]): Promise<TokenGetResult> {
  return waitFor(async () => {
    const hits = tb.auth.tokenMemoStats().hits;
    const t = token(await tokenGet(c, scopes));
    return tb.auth.tokenMemoStats().hits > hits ? t : undefined;
  }, 'a token.get answered from the memo');
}

/** Token requests Entra saw since `since` (a memo hit sends none; neither does MSAL's own cache). */
const tokenRequests = (emulator: RunningEmulator, since: number): number =>
  emulator.control.requests(since).filter((e) => e.method === 'POST' && e.path.endsWith('/oauth2/v2.0/token')).length;
const lastSeq = (emulator: RunningEmulator): number => emulator.control.requests().at(-1)?.seq ?? 0;

async function deviceSignIn(tb: TestBroker, emulator: RunningEmulator, user: string) {
  const r = await tb.broker.signInWithDeviceCode({
    onCode: (p) => setTimeout(() => emulator.control.device(p.userCode, 'approve', user), 10),
  });
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}

void describe('token memo: real keychain, emulator, broker socket', () => {
  let emulator: RunningEmulator;
  const brokers: TestBroker[] = [];
  const secrets: string[] = [];

  before(async () => {
    emulator = await startEmulator();
    emulator.control.settings({ deviceInterval: 1 });
  });
  after(async () => {
    for (const tb of brokers) await tb.stop();
    await emulator.close();
  });

  const start = async (options: Partial<Parameters<typeof startTestBroker>[0]> = {}) => {
    const tb = await startTestBroker({ emulator, toolGroups: ['profile'], user: ADELE, ...options });
    brokers.push(tb);
    assert.equal(tb.broker.status().cache.backend, 'keychain', 'the real OS keychain');
    return tb;
  };

  void test('repeated token.get is answered from the memo; after a sign-out (and signing in again) never', async () => {
    const tb = await start();
    const c = await bridge(tb);
    const first = token(await tokenGet(c, ['User.Read']));
    secrets.push(first.accessToken);
    const seq = lastSeq(emulator);
    assert.equal((await memoized(tb, c, ['user.read'])).accessToken, first.accessToken);
    const { hits } = tb.auth.tokenMemoStats();
    for (let i = 0; i < 20; i++) assert.equal(token(await tokenGet(c, ['User.Read'])).accessToken, first.accessToken);
    assert.equal(tb.auth.tokenMemoStats().hits, hits + 20, 'all 20 from the memo');
    assert.equal(tokenRequests(emulator, seq), 0);

    const out = await tb.broker.signOut();
    assert.ok(out.ok, JSON.stringify(out));
    assert.equal(await tokenGet(c, ['User.Read']), 'NOT_SIGNED_IN', 'not the memoized token');
    // Signed in again as the same account: a new session's token, never the one from before the sign-out.
    await deviceSignIn(tb, emulator, ADELE);
    const again = token(await tokenGet(c, ['User.Read']));
    assert.equal(again.account.username, ADELE);
    assert.notEqual(again.accessToken, first.accessToken);
    secrets.push(again.accessToken);
    c.close();
  });

  void test('an account switch is never answered with the other account’s token', async () => {
    const tb = await start();
    const c = await bridge(tb);
    const adele = await memoized(tb, c, ['User.Read']);
    assert.equal(adele.account.username, ADELE);
    await deviceSignIn(tb, emulator, MEGAN);
    const megan = token(await tokenGet(c, ['User.Read']));
    assert.equal(megan.account.username, MEGAN, 'after signing in Megan, her token');
    assert.notEqual(megan.accessToken, adele.accessToken);
    assert.equal((await memoized(tb, c, ['User.Read'])).account.username, MEGAN);
    assert.ok((await tb.broker.useAccount(ADELE)).ok);
    const back = token(await tokenGet(c, ['User.Read']));
    assert.equal(back.account.username, ADELE, 'not the memoized token of Megan');
    assert.notEqual(back.accessToken, megan.accessToken);
    assert.ok((await tb.broker.useAccount(MEGAN)).ok);
    assert.equal(token(await tokenGet(c, ['User.Read'])).account.username, MEGAN);
    secrets.push(adele.accessToken, megan.accessToken);
    c.close();
  });

  void test('a consent change: the next token.get is the new grant, not the memoized token', async () => {
    const tb = await start();
    const c = await bridge(tb);
    const before = await memoized(tb, c, ['User.Read']);
    assert.ok(!before.grantedScopes.some((s) => /mail\.read/i.test(s)));
    tb.updateConfig({ toolGroups: ['profile', 'mail'] });
    const granted = await tb.broker.grantConsent(
      { scopes: ['Mail.Read'] },
      { onDeviceCode: (p) => setTimeout(() => emulator.control.device(p.userCode, 'approve', ADELE), 10) },
    );
    assert.ok(granted.ok, JSON.stringify(granted));
    const afterConsent = token(await tokenGet(c, ['User.Read']));
    assert.notEqual(afterConsent.accessToken, before.accessToken);
    assert.ok(
      afterConsent.grantedScopes.some((s) => /mail\.read/i.test(s)),
      afterConsent.grantedScopes.join(' '),
    );
    secrets.push(before.accessToken, afterConsent.accessToken);
    c.close();
  });

  void test('a sign-out by another sign-in core on the same profile (the marker file) is never answered from the memo', async () => {
    const tb = await start();
    const c = await bridge(tb);
    const t = await memoized(tb, c, ['User.Read']);
    secrets.push(t.accessToken);
    // What `graph-bridge logout` runs when no broker answers on the admin socket: its own AuthService
    // over the same keychain entry and token-cache directory.
    const env = { GRAPH_BRIDGE_HOME: tb.home };
    const platform = createPlatform({ env });
    const loaded = await loadSettings({ configDir: platform.paths.configDir, env });
    assert.ok(loaded.ok);
    const other = await createAuthService({
      settings: loaded.value.settings,
      endpoints: loaded.value.endpoints,
      platform,
      keychainService: tb.keychainService,
    });
    try {
      assert.ok((await other.signOut(ADELE)).ok);
    } finally {
      await other.close();
    }
    assert.equal(await tokenGet(c, ['User.Read']), 'NOT_SIGNED_IN', 'not the memoized token');
    c.close();
  });

  void test('a settings change that disables a group: its scopes are refused, memo or not', async () => {
    const tb = await start({ toolGroups: ['profile', 'mail'] });
    const c = await bridge(tb);
    const t = await memoized(tb, c, ['Mail.Read']);
    secrets.push(t.accessToken);
    tb.updateConfig({ toolGroups: ['profile'] });
    const refused = await tokenGet(c, ['Mail.Read']);
    assert.equal(typeof refused, 'string', 'refused by the broker');
    c.close();
  });

  void test('no memoized token reaches a log or a file', async () => {
    assert.ok(secrets.length > 0);
    const { findings, scanned } = await scanForSecrets({ dirs: brokers.map((b) => b.home), secrets });
    assert.ok(scanned.length > 0);
    assert.deepEqual(findings, []);
  });
});
