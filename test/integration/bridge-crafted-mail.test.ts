/**
 * #11.9 through the public interfaces: a mail whose HTML body is built to make an HTML → text
 * converter backtrack (the shapes in test/helpers/crafted-html.ts, at 48 KB and 1 MB) reaches the REAL
 * bridge (dist/bridge.js over an MCP stdio client, real broker) from the emulator — answered as HTML,
 * as Graph may do whatever the bridge's `Prefer: outlook.body-content-type="text"` asked — and
 * `get_message` still answers with the mail's text. The old regex converter needed 168 s for 48 KB;
 * this test asserts on the answer, never on time (a hang fails it at the tier's timeout).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { startTestBroker, type TestBroker } from '../helpers/broker.ts';
import { CRAFTED_HTML } from '../helpers/crafted-html.ts';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { resultText, startBridgeClient, type BridgeClient } from '../helpers/mcp-client.ts';

let emulator: RunningEmulator;
let broker: TestBroker;
let bridge: BridgeClient;
let messageId = '';

before(async () => {
  emulator = await startEmulator();
  const adele = emulator.users.find((u) => u.upn.startsWith('adele'));
  assert.ok(adele);
  emulator.control.setGrant(adele.oid, emulator.clientId, [...GROUP_SCOPES.profile.read, ...GROUP_SCOPES.mail.read]);
  broker = await startTestBroker({ emulator, toolGroups: ['profile', 'mail'] });
  bridge = await startBridgeClient({
    home: broker.home,
    caPath: emulator.caPath,
    clientName: 'crafted-mail-it',
    args: ['--tools', 'mail', '--read-only'],
  });
  const listed = resultText(await bridge.call('list_messages', { top: 1 }));
  messageId = /\[([^\]\s]+)\]/.exec(listed)?.[1] ?? '';
  assert.notEqual(messageId, '', listed);
});

after(async () => {
  await bridge?.close();
  await broker?.stop();
  await emulator?.close();
});

/** The next GET of one message is answered with `html` as its body, as a hostile sender wrote it. */
function answerNextMessageWith(html: string): void {
  emulator.control.addFault({
    host: 'graph',
    method: 'GET',
    pathPattern: '/me/messages/[^/]+$',
    count: 1,
    status: 200,
    body: {
      id: 'AAMkCrafted',
      subject: 'Quarterly numbers',
      from: { emailAddress: { name: 'Mallory', address: 'mallory@fabrikam.example' } },
      toRecipients: [{ emailAddress: { name: 'Adele', address: 'adele@contoso.example' } }],
      receivedDateTime: '2026-12-01T09:00:00Z',
      isRead: false,
      importance: 'normal',
      hasAttachments: false,
      body: { contentType: 'html', content: `<p>Hello before the trap.</p>${html}` },
    },
  });
}

for (const size of [48 * 1024, 1024 * 1024]) {
  void test(`get_message answers for every crafted HTML body of ${size / 1024} KB`, async (t) => {
    for (const crafted of CRAFTED_HTML) {
      answerNextMessageWith(crafted.build(size));
      const started = Date.now();
      const r = await bridge.call('get_message', { id: messageId });
      t.diagnostic(`${crafted.name}: answered in ${Date.now() - started} ms`);
      const text = resultText(r);
      assert.notEqual(r.isError, true, `${crafted.name}: ${text.slice(0, 300)}`);
      assert.match(text, /Quarterly numbers/, crafted.name);
      assert.match(text, /Hello before the trap\./, crafted.name);
      assert.ok(text.length <= 25_000, `${crafted.name}: the answer is capped (${text.length} characters)`);
    }
  });
}
