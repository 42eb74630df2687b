/**
 * The bridge as editors run it: a real MCP SDK Client over stdio spawning bridge/main.ts, a REAL
 * broker (test/helpers/broker.ts) signed in to the Entra+Graph emulator, real sockets and keychain.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestBroker, type TestBroker } from '../helpers/broker.ts';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { bodyOf, nextCursorOf, parseMessageList } from '../helpers/mail-text.ts';
import { resultText, startBridgeClient, type BridgeClient } from '../helpers/mcp-client.ts';

let emulator: RunningEmulator;
let broker: TestBroker;
let bridge: BridgeClient;

function graphRequests(since: number, method: string, pathPattern: RegExp) {
  return emulator.control
    .requests(since)
    .filter((r) => r.host === 'graph' && r.method === method && pathPattern.test(r.path));
}

function lastSeq(): number {
  return emulator.control.requests().at(-1)?.seq ?? 0;
}

before(async () => {
  emulator = await startEmulator();
  broker = await startTestBroker({ emulator });
  bridge = await startBridgeClient({ home: broker.home, caPath: emulator.caPath, clientName: 'bridge-it' });
});

after(async () => {
  await bridge?.close();
  await broker?.stop();
  await emulator?.close();
});

describe('profile tools', () => {
  test('get_my_profile returns the signed-in user', async () => {
    const r = await bridge.call('get_my_profile');
    assert.notEqual(r.isError, true, resultText(r));
    const me = JSON.parse(resultText(r)) as { displayName: string; mail: string; jobTitle: string };
    assert.equal(me.displayName, 'Adele Vance');
    assert.match(me.mail, /^adele@/);
    assert.equal(me.jobTitle, 'Retail Manager');
  });

  test('search_users, get_user and search_people', async () => {
    const found = resultText(await bridge.call('search_users', { query: 'Meg' }));
    const [, id, mail] = /^- \[(u[0-9a-z]+)\] Megan Bowen <([^>]+)>$/m.exec(found) ?? [];
    assert.ok(id && mail, found);
    assert.match(found, /^1 user\(s\):/);
    const byMail = JSON.parse(resultText(await bridge.call('get_user', { user: mail }))) as { id: string };
    const byId = JSON.parse(resultText(await bridge.call('get_user', { user: id }))) as { displayName: string };
    assert.equal(byMail.id, id, 'the same short id');
    assert.equal(byId.displayName, 'Megan Bowen');
    const people = resultText(await bridge.call('search_people', { query: 'alex' }));
    assert.match(people, /^- Alex Wilber </m);
  });

  test('get_user for an unknown user is a clear not-found error', async () => {
    const r = await bridge.call('get_user', { user: 'nobody@contoso.onmicrosoft.com' });
    assert.equal(r.isError, true);
    assert.match(resultText(r), /^Not found: GET \/users\/\{id\}/);
  });
});

describe('mail tools', () => {
  /** The text of a successful call (the mail tools answer text only). */
  const text = (r: Awaited<ReturnType<BridgeClient['call']>>): string => {
    assert.notEqual(r.isError, true, resultText(r));
    return resultText(r);
  };

  test('list_mail_folders', async () => {
    const r = text(await bridge.call('list_mail_folders'));
    const inbox = /^- \[[^\]]+\] Inbox: \d+ unread of (\d+)/m.exec(r);
    assert.ok(inbox && Number(inbox[1]) > 0, r);
  });

  test('list_messages pages with the opaque cursor', async () => {
    const firstText = text(await bridge.call('list_messages', { folder: 'inbox', top: 3 }));
    const first = parseMessageList(firstText);
    assert.equal(first.length, 3);
    const cursor = nextCursorOf(firstText);
    assert.ok(cursor);
    const second = parseMessageList(text(await bridge.call('list_messages', { cursor })));
    assert.equal(second.length, 3);
    const ids = new Set([...first, ...second].map((m) => m.id));
    assert.equal(ids.size, 6, 'pages do not overlap');
    assert.ok(first[2]!.received >= second[0]!.received, 'newest first across pages');
  });

  test('list_messages filters: unreadOnly, from, since', async () => {
    const unread = parseMessageList(
      text(await bridge.call('list_messages', { folder: 'inbox', unreadOnly: true, top: 20 })),
    );
    assert.ok(unread.length > 0);
    assert.ok(unread.every((m) => !m.isRead));
    const sinceMs = Date.parse(`${unread[0]!.received.replace(' ', 'T')}:00Z`) - 7 * 24 * 3600_000;
    const since = new Date(sinceMs).toISOString();
    const recent = parseMessageList(text(await bridge.call('list_messages', { since, top: 50 })));
    assert.ok(recent.every((m) => m.received >= since.slice(0, 16).replace('T', ' ')));
    const fromMeganText = text(await bridge.call('list_messages', { from: 'megan@contoso.onmicrosoft.com', top: 10 }));
    const fromMegan = parseMessageList(fromMeganText);
    assert.ok(
      fromMegan.every((m) => m.from.includes('megan@')),
      fromMeganText,
    );
  });

  test('a forged cursor is refused and nothing is sent', async () => {
    const since = lastSeq();
    const forged = `gb1.${Buffer.from('https://evil.example/v1.0/me/messages').toString('base64url')}`;
    const r = await bridge.call('list_messages', { cursor: forged });
    assert.equal(r.isError, true);
    assert.match(resultText(r), /cursor is not valid/);
    assert.equal(graphRequests(since, 'GET', /messages/).length, 0);
  });

  test('search_messages and get_message (text body, truncation note, attachments)', async () => {
    const listed = parseMessageList(text(await bridge.call('list_messages', { folder: 'inbox', top: 50 })));
    const withAttachment = listed.find((m) => m.hasAttachments);
    assert.ok(withAttachment, 'the seeded inbox has a message with attachments');
    const word = withAttachment.subject.split(/\s+/).find((w) => w.length > 4) ?? withAttachment.subject;
    const search = parseMessageList(text(await bridge.call('search_messages', { query: word, top: 25 })));
    assert.ok(search.length > 0, `search for ${word}`);

    const full = text(await bridge.call('get_message', { id: withAttachment.id }));
    assert.ok(!/<\/?(p|div|br|html)\b/i.test(bodyOf(full)), 'body is text, not HTML');
    assert.match(full, /^Attachments \(ids for save_attachments\):\n- \[a/m);

    const cut = text(await bridge.call('get_message', { id: withAttachment.id, maxBodyChars: 200 }));
    if (bodyOf(full).length > 200) assert.match(bodyOf(cut), /\[… body cut: showing \d+ of \d+ characters; /);
  });

  test('create_draft, send_mail and reply_to_message reach Graph after approval', async () => {
    const since = lastSeq();
    const draft = text(
      await bridge.call('create_draft', {
        to: ['megan@contoso.onmicrosoft.com'],
        subject: 'Draft from bridge',
        body: 'Hello',
      }),
    );
    assert.match(draft, /^Draft saved: \[m[^\]]+\] "Draft from bridge"\.$/);
    const sent = text(
      await bridge.call('send_mail', {
        to: ['megan@contoso.onmicrosoft.com'],
        subject: 'Sent from bridge',
        body: 'Hi Megan',
      }),
    );
    assert.equal(sent, 'Sent "Sent from bridge" to megan@contoso.onmicrosoft.com.');
    const inbox = parseMessageList(text(await bridge.call('list_messages', { folder: 'inbox', top: 1 })));
    const replied = text(await bridge.call('reply_to_message', { id: inbox[0]!.id, comment: 'Thanks!' }));
    assert.match(replied, /^Replied "RE: /i);
    assert.equal(graphRequests(since, 'POST', /^\/v1\.0\/me\/messages$/).length, 1);
    assert.equal(graphRequests(since, 'POST', /^\/v1\.0\/me\/sendMail$/).length, 1);
    assert.equal(graphRequests(since, 'POST', /\/reply$/).length, 1);
    const sentMail = graphRequests(since, 'POST', /^\/v1\.0\/me\/sendMail$/)[0]!;
    assert.deepEqual((sentMail.body as { message: { toRecipients: unknown } }).message.toRecipients, [
      { emailAddress: { address: 'megan@contoso.onmicrosoft.com' } },
    ]);
  });
});

describe('failure modes', { concurrency: false }, () => {
  test('a 429 storm is retried, then reported clearly', async () => {
    const storm = await startBridgeClient({
      home: broker.home,
      caPath: emulator.caPath,
      env: { GRAPH_BRIDGE_THROTTLE_BUDGET_MS: '2500' },
    });
    try {
      const since = lastSeq();
      emulator.control.addFault({
        host: 'graph',
        method: 'GET',
        pathPattern: '^/v1\\.0/me$',
        always: true,
        status: 429,
        headers: { 'Retry-After': '1' },
        body: { error: { code: 'TooManyRequests', message: 'Too many requests' } },
      });
      const r = await storm.call('get_my_profile');
      assert.equal(r.isError, true);
      assert.match(resultText(r), /^Microsoft Graph is throttling requests \(HTTP 429\)/);
      assert.equal(graphRequests(since, 'GET', /^\/v1\.0\/me$/).length, 3, 'first try + 2 retries within 2.5 s');
      emulator.control.clearFaults();
      const ok = await storm.call('get_my_profile');
      assert.notEqual(ok.isError, true);
    } finally {
      emulator.control.clearFaults();
      await storm.close();
    }
  });

  test('a transient 503 is retried transparently', async () => {
    emulator.control.addFault({
      host: 'graph',
      method: 'GET',
      pathPattern: '^/v1\\.0/me$',
      count: 1,
      status: 503,
      headers: { 'Retry-After': '0' },
    });
    const r = await bridge.call('get_my_profile');
    assert.notEqual(r.isError, true, resultText(r));
  });

  test('write approval denied: the write never reaches Graph', async () => {
    const denyBroker = await startTestBroker({ emulator, writes: 'deny' });
    const denied = await startBridgeClient({ home: denyBroker.home, caPath: emulator.caPath });
    try {
      const since = lastSeq();
      const r = await denied.call('send_mail', {
        to: ['megan@contoso.onmicrosoft.com'],
        subject: 'Must not send',
        body: 'x',
      });
      assert.equal(r.isError, true);
      assert.match(resultText(r), /nothing was sent/);
      assert.equal(graphRequests(since, 'POST', /sendMail/).length, 0);
      const log = emulator.control.requests(since).filter((x) => x.host === 'graph');
      assert.ok(!log.some((x) => x.method !== 'GET'), 'no write of any kind reached Graph');
    } finally {
      await denied.close();
      await denyBroker.stop();
    }
  });

  test('broker absent: the call fails fast with how to start Graph Bridge', async (t) => {
    const home = await mkdtemp(join(tmpdir(), 'gb-nobroker-'));
    const lonely = await startBridgeClient({ home, caPath: emulator.caPath });
    try {
      const tools = await lonely.client.listTools();
      assert.ok(tools.tools.length > 10, 'tools are listed without a broker');
      const started = Date.now();
      const r = await lonely.call('get_my_profile');
      t.diagnostic(`broker-absent error after ${Date.now() - started} ms`);
      assert.equal(r.isError, true);
      assert.match(resultText(r), /Graph Bridge is not running.*graph-bridge agent/);
    } finally {
      await lonely.close();
      await rm(home, { recursive: true, force: true });
    }
  });

  test('broker restarted mid-session: the next call works', async () => {
    const home = await mkdtemp(join(tmpdir(), 'gb-restart-'));
    let first: TestBroker | undefined = await startTestBroker({ emulator, home });
    const client = await startBridgeClient({ home, caPath: emulator.caPath });
    let second: TestBroker | undefined;
    try {
      assert.notEqual((await client.call('get_my_profile')).isError, true);
      await first.stop();
      first = undefined;
      const down = await client.call('get_my_profile');
      assert.equal(down.isError, true);
      second = await startTestBroker({ emulator, home });
      const again = await client.call('get_my_profile');
      assert.notEqual(again.isError, true, resultText(again));
    } finally {
      await client.close();
      await first?.stop();
      await second?.stop();
      await rm(home, { recursive: true, force: true });
    }
  });

  test('missing consent: isError naming the scopes and the Grant button', async () => {
    const oid = emulator.users.find((u) => u.upn.startsWith('adele@'))!.oid;
    const home = await mkdtemp(join(tmpdir(), 'gb-consent-'));
    const grantsBefore = emulator.control.grants(oid)[emulator.clientId] ?? [];
    emulator.control.setGrant(oid, emulator.clientId, ['User.Read']);
    let limited: TestBroker | undefined;
    let client: BridgeClient | undefined;
    try {
      // Signed in with the profile group only; mail is turned on afterwards (its scopes never granted).
      limited = await startTestBroker({ emulator, home, toolGroups: ['profile'] });
      limited.updateConfig({ toolGroups: ['profile', 'mail'] });
      client = await startBridgeClient({ home, caPath: emulator.caPath, args: ['--tools', 'profile,mail'] });
      const r = await client.call('list_mail_folders');
      assert.equal(r.isError, true, resultText(r));
      assert.match(resultText(r), /Mail\.Read/);
      assert.match(resultText(r), /Grant/);
    } finally {
      emulator.control.setGrant(oid, emulator.clientId, grantsBefore);
      await client?.close();
      await limited?.stop();
      await rm(home, { recursive: true, force: true });
    }
  });
});
