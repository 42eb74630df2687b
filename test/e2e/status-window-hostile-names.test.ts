/**
 * The status window shows peer-controlled names as text, never as markup: an editor that calls itself
 * `<img src=x onerror=…>` (plus a newline and a bidi override) connects through the REAL bridge broker
 * client to a REAL tray host; the window's pending card and client table must show the (escaped) name
 * literally, with no element created from it and no script run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStatusHarness, type StatusHarness } from '../helpers/status-harness.ts';

const NAME = '<img src=x onerror="document.title=`pwned`">\n\u202eevil';
const SHOWN = '<img src=x onerror="document.title=`pwned`">\\x0a\\u202eevil';

let h: StatusHarness;
before(async () => {
  h = await startStatusHarness({
    settings: { toolGroups: ['profile'], approvalPolicy: { clients: 'ask', writes: { default: 'ask', tools: {} } } },
  });
});
after(async () => {
  await h?.close();
});

test('a hostile editor name is shown as escaped text in the pending card and the client table', async () => {
  const { page } = h;
  const hello = await h.bridgeClient(NAME).session();
  assert.equal(hello.ok && hello.value.approval, 'pending');
  const card = page.locator('article.card[data-client]').filter({ hasText: 'New program:' });
  await card.waitFor();
  assert.equal(await card.getAttribute('data-client'), SHOWN);
  assert.equal(await card.locator('h3').textContent(), `New program: ${SHOWN}`);
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element was made from the name');
  assert.doesNotMatch(await page.title(), /pwned/, 'no script ran');
  await h.screenshot('hostile-name-pending');
  await card.getByRole('button', { name: 'Deny' }).click();
  const row = page.locator('tr[data-client-row]').filter({ has: page.locator('.pill.denied') });
  await row.waitFor();
  assert.ok((await row.locator('th').textContent())?.startsWith(`${SHOWN} `), 'the row shows the name as text');
  assert.equal(h.host.broker.status().clients.find((c) => c.name === SHOWN)?.approval, 'denied');
});
