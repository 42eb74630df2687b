import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createQuitGuard } from '../../../app/main/quit-guard.ts';
import { createShellHolder } from '../../../app/main/shell-holder.ts';

/** A before-quit event that records whether the default (quitting now) was prevented. */
function quitEvent() {
  const event = { prevented: false, preventDefault: () => void (event.prevented = true) };
  return event;
}

/** A shutdown the test finishes by hand, counting how often it was started. */
function manualShutdown() {
  let finish: (err?: Error) => void = () => undefined;
  const calls = { count: 0 };
  const shutdown = () => {
    calls.count += 1;
    return new Promise<void>((resolve, reject) => {
      finish = (err) => (err === undefined ? resolve() : reject(err));
    });
  };
  return { shutdown, calls, finish: (err?: Error) => finish(err) };
}

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  return {
    setTimer: (_ms: number, fn: () => void) => {
      const id = next++;
      pending.set(id, fn);
      return () => void pending.delete(id);
    },
    fireAll: () => [...pending.values()].forEach((fn) => fn()),
    size: () => pending.size,
  };
}

test('before-quit: the default is prevented, exit comes only after the shutdown finished', async () => {
  const s = manualShutdown();
  const exits: number[] = [];
  const timers = manualTimers();
  const guard = createQuitGuard({ shutdown: s.shutdown, exit: (c) => exits.push(c), log: () => undefined, ...timers });
  const first = quitEvent();
  guard.onBeforeQuit(first);
  assert.equal(first.prevented, true, 'Electron must not quit before the shutdown');
  assert.equal(guard.state(), 'stopping');
  await Promise.resolve();
  assert.deepEqual(exits, [], 'no exit while the shutdown runs');
  s.finish();
  await guard.done();
  assert.deepEqual(exits, [0]);
  assert.equal(guard.state(), 'stopped');
  assert.equal(timers.size(), 0, 'the ceiling timer is cancelled');
});

test('a second quit during shutdown is absorbed: one shutdown, one exit', async () => {
  const s = manualShutdown();
  const exits: number[] = [];
  const guard = createQuitGuard({ shutdown: s.shutdown, exit: (c) => exits.push(c), log: () => undefined });
  guard.onBeforeQuit(quitEvent());
  const second = quitEvent();
  guard.onBeforeQuit(second);
  guard.onBeforeQuit(quitEvent());
  assert.equal(second.prevented, true, 'the second quit does not cut the shutdown short');
  assert.equal(s.calls.count, 1, 'no second shutdown');
  s.finish();
  await guard.done();
  assert.deepEqual(exits, [0]);
  const after = quitEvent();
  guard.onBeforeQuit(after);
  assert.equal(after.prevented, false, 'once stopped, quitting proceeds');
  assert.equal(s.calls.count, 1);
});

test('a failed shutdown is logged and the app still exits (code 1)', async () => {
  const s = manualShutdown();
  const exits: number[] = [];
  const lines: string[] = [];
  const guard = createQuitGuard({ shutdown: s.shutdown, exit: (c) => exits.push(c), log: (l) => lines.push(l) });
  guard.onBeforeQuit(quitEvent());
  s.finish(new Error('socket busy'));
  await guard.done();
  assert.deepEqual(exits, [1]);
  assert.ok(lines.some((l) => l.includes('socket busy')));
});

test('a shutdown that never settles: the ceiling exits anyway', async () => {
  const s = manualShutdown();
  const exits: number[] = [];
  const timers = manualTimers();
  const guard = createQuitGuard({ shutdown: s.shutdown, exit: (c) => exits.push(c), log: () => undefined, ...timers });
  guard.onBeforeQuit(quitEvent());
  timers.fireAll();
  await guard.done();
  assert.deepEqual(exits, [1]);
});

test('quit while starting: the shutdown waits for the start, then stops what it started, once', async () => {
  const holder = createShellHolder<{ stop(): Promise<void>; tray: object }>();
  const stopped: string[] = [];
  let finishStart: () => void = () => undefined;
  const tray = {};
  const started = holder.start(
    () =>
      new Promise((resolve) => {
        finishStart = () => resolve({ tray, stop: async () => void stopped.push('shell') });
      }),
  );
  const exits: number[] = [];
  const guard = createQuitGuard({
    shutdown: () => holder.shutdown(),
    exit: (c) => exits.push(c),
    log: () => undefined,
  });
  guard.onBeforeQuit(quitEvent());
  guard.onBeforeQuit(quitEvent());
  await Promise.resolve();
  assert.deepEqual(stopped, [], 'nothing to stop until the start has finished');
  finishStart();
  await started;
  assert.equal(holder.current()?.tray, tray, 'the holder keeps the tray reachable');
  await guard.done();
  assert.deepEqual(stopped, ['shell']);
  assert.deepEqual(exits, [0]);
  await holder.shutdown();
  assert.deepEqual(stopped, ['shell'], 'stopped once');
});

test('a start that gave up (null) shuts down without error', async () => {
  const holder = createShellHolder<{ stop(): Promise<void> }>();
  await holder.start(async () => null);
  await holder.shutdown();
  assert.equal(holder.current(), null);
});
