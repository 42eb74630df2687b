/**
 * The cache gate: one MSAL cache operation at a time, re-entrant for the operation's own plugin
 * calls, and plugin windows from long interactive flows queue like everything else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import { createCacheGate } from '../../../../app/broker/auth/cache-gate.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

function recordingPlugin(events: string[], options: { failBefore?: boolean } = {}): ICachePlugin {
  return {
    beforeCacheAccess: () => {
      events.push('before');
      return options.failBefore === true ? Promise.reject(new Error('keychain locked')) : Promise.resolve();
    },
    afterCacheAccess: () => {
      events.push('after');
      return Promise.resolve();
    },
  };
}

const context = (): TokenCacheContext => ({ cacheHasChanged: true }) as unknown as TokenCacheContext;

void test('operations never overlap and run in the order they arrived', async () => {
  const gate = createCacheGate();
  const events: string[] = [];
  const first = deferred();
  const a = gate.run(async () => {
    events.push('a start');
    await first.promise;
    events.push('a end');
  });
  const b = gate.run(() => {
    events.push('b');
    return Promise.resolve();
  });
  const c = gate.run(() => {
    events.push('c');
    return Promise.resolve();
  });
  await tick();
  assert.deepEqual(events, ['a start']);
  first.resolve();
  await Promise.all([a, b, c]);
  assert.deepEqual(events, ['a start', 'a end', 'b', 'c']);
});

void test("an operation's own plugin calls pass through (a silent refresh writing the cache does not deadlock)", async () => {
  const gate = createCacheGate();
  const events: string[] = [];
  const plugin = gate.wrapPlugin(recordingPlugin(events));
  const value = await gate.run(async () => {
    const ctx = context();
    await plugin.beforeCacheAccess(ctx);
    await gate.run(() => Promise.resolve()); // nested run: also passes through
    await plugin.afterCacheAccess(ctx);
    return 42;
  });
  assert.equal(value, 42);
  assert.deepEqual(events, ['before', 'after']);
});

void test("an interactive flow's cache write waits for a running operation, and later operations wait for it", async () => {
  const gate = createCacheGate();
  const events: string[] = [];
  const plugin = gate.wrapPlugin(recordingPlugin(events));
  const silentDone = deferred();
  const silent = gate.run(async () => {
    events.push('silent start');
    await silentDone.promise;
    events.push('silent end');
  });
  const ctx = context();
  const write = plugin.beforeCacheAccess(ctx); // outside any run: queues
  await tick();
  assert.deepEqual(events, ['silent start']);
  silentDone.resolve();
  await silent;
  await write;
  const later = gate.run(() => {
    events.push('later');
    return Promise.resolve();
  });
  await tick();
  assert.deepEqual(events, ['silent start', 'silent end', 'before'], 'the write window holds the gate');
  await plugin.afterCacheAccess(ctx);
  await later;
  assert.deepEqual(events, ['silent start', 'silent end', 'before', 'after', 'later']);
});

void test('a failing plugin or task releases the gate', async () => {
  const gate = createCacheGate();
  const events: string[] = [];
  const plugin = gate.wrapPlugin(recordingPlugin(events, { failBefore: true }));
  await assert.rejects(plugin.beforeCacheAccess(context()), /keychain locked/);
  await assert.rejects(
    gate.run(() => Promise.reject(new Error('network down'))),
    /network down/,
  );
  assert.equal(await gate.run(() => Promise.resolve('still usable')), 'still usable');
});
