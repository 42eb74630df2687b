import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TokenGetParams } from '../../../../app/shared/bridge-contract.ts';
import { createTokenSource, TOKEN_MARGIN_MS } from '../../../../bridge/broker/token-source.ts';

function fakeBroker(expiresInMs: () => number, now: () => number) {
  const calls: TokenGetParams[] = [];
  let n = 0;
  return {
    calls,
    broker: {
      call: async (_m: string, params: TokenGetParams) => {
        calls.push(params);
        await new Promise((r) => setTimeout(r, 5));
        n++;
        return {
          ok: true as const,
          value: {
            accessToken: `tok-${n}`,
            expiresOn: new Date(now() + expiresInMs()).toISOString(),
            grantedScopes: params.scopes,
            account: { homeAccountId: 'a', username: 'u', tenantId: 't', environment: 'e' },
          },
        };
      },
    },
  };
}

test('caches per scope set (order/case-insensitive) and shares concurrent requests', async () => {
  const clock = 0;
  const f = fakeBroker(
    () => 3600_000,
    () => clock,
  );
  const tokens = createTokenSource(f.broker as never, () => clock);
  const [a, b] = await Promise.all([
    tokens.get({ scopes: ['Mail.Read', 'User.Read'] }),
    tokens.get({ scopes: ['user.read', 'Mail.Read'] }),
  ]);
  assert.ok(a.ok && b.ok);
  assert.equal(a.value.accessToken, b.value.accessToken);
  assert.equal(f.calls.length, 1);
  assert.equal(f.calls[0]!.minValiditySeconds, TOKEN_MARGIN_MS / 1000);
  const c = await tokens.get({ scopes: ['Mail.Read', 'User.Read'] });
  assert.ok(c.ok);
  assert.equal(f.calls.length, 1);
  assert.deepEqual(tokens.held(), ['tok-1']);
});

test('refreshes 5 minutes before expiry, and on forceRefresh/claims', async () => {
  let clock = 0;
  const f = fakeBroker(
    () => 3600_000,
    () => clock,
  );
  const tokens = createTokenSource(f.broker as never, () => clock);
  await tokens.get({ scopes: ['User.Read'] });
  clock = 3600_000 - TOKEN_MARGIN_MS - 1;
  await tokens.get({ scopes: ['User.Read'] });
  assert.equal(f.calls.length, 1);
  clock = 3600_000 - TOKEN_MARGIN_MS + 1;
  await tokens.get({ scopes: ['User.Read'] });
  assert.equal(f.calls.length, 2);
  await tokens.get({ scopes: ['User.Read'], forceRefresh: true });
  assert.equal(f.calls[2]!.forceRefresh, true);
  await tokens.get({ scopes: ['User.Read'], claims: '{"x":1}' });
  assert.equal(f.calls[3]!.claims, '{"x":1}');
});

test("an AbortSignal ends one caller's wait; the shared call still serves the others", async () => {
  let release: (() => void) | undefined;
  const gate = new Promise<void>((r) => (release = r));
  const broker = {
    call: async () => {
      await gate;
      return {
        ok: true as const,
        value: {
          accessToken: 'tok',
          expiresOn: new Date(3600_000).toISOString(),
          grantedScopes: [],
          account: { homeAccountId: 'a', username: 'u', tenantId: 't', environment: 'e' },
        },
      };
    },
  };
  const tokens = createTokenSource(broker as never, () => 0);
  const controller = new AbortController();
  const cancelled = tokens.get({ scopes: ['User.Read'] }, { signal: controller.signal });
  const other = tokens.get({ scopes: ['User.Read'] });
  controller.abort(new Error('editor cancelled'));
  await assert.rejects(cancelled, /editor cancelled/);
  release?.();
  const r = await other;
  assert.ok(r.ok && r.value.accessToken === 'tok');
  await assert.rejects(tokens.get({ scopes: ['User.Read'] }, { signal: controller.signal }), /editor cancelled/);
});
