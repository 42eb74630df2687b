/**
 * The mail group end to end (issue #12): a real MCP Client over stdio spawning the bundled bridge
 * (dist/bridge.js), a REAL broker signed in to the Entra+Graph emulator, every write approved or
 * denied through the broker like a person in the tray (policy "ask"), and the emulator's request log
 * as the proof of what reached Graph — and, for every denial, that nothing did.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import type { TestBroker } from '../helpers/broker.ts';
import type { RunningEmulator } from '../helpers/emulator.ts';
import { resultText, type BridgeClient } from '../helpers/mcp-client.ts';
import { startToolRig, toolHarness, type Decision, type Pending, type ToolRig } from '../helpers/tool-harness.ts';

const MAIL_TOOLS = [
  'list_messages',
  'search_messages',
  'get_message',
  'list_mail_folders',
  'save_attachments',
  'create_draft',
  'update_draft',
  'send_mail',
  'reply_to_message',
  'update_messages',
  'create_mail_folder',
];

let rig: ToolRig;
let emulator: RunningEmulator;
let broker: TestBroker;
let bridge: BridgeClient;
let work: string;
let downloads: string;
let support: string;
let megan: string;
let adeleOid: string;

const { lastSeq, graphCalls, writesSince, callDeciding, deniedSendsNothing } = toolHarness(() => ({
  emulator,
  broker: broker.broker,
  bridge,
}));

/** Calls a mail tool, deciding its approval when it asks (see callDeciding); with the result's text. */
async function run(
  tool: string,
  args: Record<string, unknown>,
  decision: Decision = 'allow-once',
  beforeDecide?: (pending: Pending) => Promise<void>,
): Promise<{ result: CallToolResult; text: string; asked: Pending | undefined }> {
  const { result, asked } = await callDeciding(tool, args, decision, beforeDecide);
  return { result, text: resultText(result), asked };
}

async function ok(tool: string, args: Record<string, unknown>): Promise<{ text: string; asked: Pending | undefined }> {
  const r = await run(tool, args);
  assert.notEqual(r.result.isError, true, `${tool}: ${r.text}`);
  return r;
}

/** The short ids of a list text's entries, in order. */
function ids(text: string): string[] {
  return [...text.matchAll(/^- \[([^\]]+)\]/gm)].map((m) => m[1] ?? '');
}

async function inbox(top = 10, extra: Record<string, unknown> = {}): Promise<string[]> {
  return ids((await ok('list_messages', { folder: 'inbox', top, ...extra })).text);
}

before(async () => {
  // Consented at sign-in: the mail group's scopes without the on-demand ones (asked only when needed).
  rig = await startToolRig({
    grant: [...GROUP_SCOPES.mail.read, ...GROUP_SCOPES.mail.write],
    broker: { toolGroups: ['mail'], writes: 'ask' },
    bridge: { clientName: 'tools-mail-it', entry: 'dist', args: ['--tools', 'mail'] },
    workPrefix: 'gb-tools-mail-',
  });
  ({ emulator, broker, bridge, work, downloads, adeleOid } = rig);
  const meganUser = emulator.users.find((u) => u.upn.startsWith('megan'));
  assert.ok(meganUser);
  megan = meganUser.upn;
  support = `support@${emulator.tenantDomain}`;
});

after(() => rig?.close());

void test('tools/list: the mail group in 11 tools within its 11 KB budget, text results, annotations', async (t) => {
  const { tools } = await bridge.client.listTools();
  const mail = tools.filter((x) => MAIL_TOOLS.includes(x.name));
  assert.deepEqual(mail.map((x) => x.name).sort(), [...MAIL_TOOLS].sort());
  const sizes = mail.map((x) => [x.name, Buffer.byteLength(JSON.stringify(x))] as const);
  const total = sizes.reduce((n, [, b]) => n + b, 0);
  const largest = Math.max(...sizes.map(([, b]) => b));
  t.diagnostic(`mail tools/list: ${total} bytes in ${mail.length} tools, largest ${largest} bytes`);
  assert.ok(total <= 11 * 1024, `mail group is ${total} bytes`);
  assert.ok(largest <= 2.5 * 1024, `largest mail tool is ${largest} bytes`);
  for (const x of mail) {
    assert.equal(x.outputSchema, undefined, `${x.name}: text only`);
    assert.ok('mailbox' in (x.inputSchema.properties ?? {}), `${x.name} takes mailbox`);
  }
  const triage = mail.find((x) => x.name === 'update_messages');
  assert.equal(
    triage?.annotations?.destructiveHint,
    undefined,
    'update_messages may delete (MCP default: destructive)',
  );
  assert.equal(mail.find((x) => x.name === 'save_attachments')?.annotations?.readOnlyHint, true);
});

void describe('shared mailbox', () => {
  void test('an on-demand scope is asked only when a call needs it: CONSENT_REQUIRED naming Mail.Read.Shared, then it works', async () => {
    const before = await run('list_messages', { mailbox: support, top: 2 });
    assert.equal(before.result.isError, true);
    assert.match(before.text, /Mail\.Read\.Shared/);
    assert.doesNotMatch(before.text, /graph-bridge (clients|approvals) /, 'no command that grants access');
    emulator.control.setGrant(adeleOid, emulator.clientId, [
      ...GROUP_SCOPES.mail.read,
      ...GROUP_SCOPES.mail.write,
      ...(GROUP_SCOPES.mail.onDemand?.read ?? []),
      ...(GROUP_SCOPES.mail.onDemand?.write ?? []),
    ]);
    const since = lastSeq();
    const list = await ok('list_messages', { mailbox: support, top: 2 });
    assert.equal(ids(list.text).length, 2);
    const paths = graphCalls(since).map((r) => decodeURIComponent(r.path));
    assert.ok(
      paths.every((p) => p.startsWith(`/v1.0/users/${support}/`)),
      paths.join(', '),
    );
  });

  void test("a colleague's own mailbox is refused by Graph (403) and says so", async () => {
    const r = await run('list_messages', { mailbox: megan, top: 1 });
    assert.equal(r.result.isError, true);
    assert.match(r.text, /denied|permission|403/i);
  });

  void test('read, reply (Mail.Send.Shared) and triage in the shared mailbox; the approval names it', async () => {
    const [first] = ids((await ok('list_messages', { mailbox: support, folder: 'inbox', top: 1 })).text);
    assert.ok(first);
    const got = await ok('get_message', { id: first, mailbox: support });
    assert.match(got.text, /^To: Contoso Support <support@/m);
    const mine = await run('get_message', { id: first });
    assert.equal(mine.result.isError, true, 'the id is not in my own mailbox');
    await deniedSendsNothing('reply_to_message', { id: first, comment: 'On it', mailbox: support });
    const since = lastSeq();
    const reply = await ok('reply_to_message', { id: first, comment: 'On it', mailbox: support });
    assert.match(reply.asked?.summary ?? '', /in the shared mailbox support@/);
    assert.deepEqual(writesSince(since), [
      `POST /v1.0/users/${support}/messages/${decodeURIComponent(await rawIdOf(first, support))}/reply`,
    ]);
    const flagged = await ok('update_messages', { ids: [first], action: 'flag', mailbox: support });
    assert.match(flagged.text, /flag: 1 of 1 done/);
    assert.match((await ok('get_message', { id: first, mailbox: support })).text, /^State: .*flagged/m);
  });
});

/** The Graph id behind a short id, as the emulator logged it for a get_message call. */
async function rawIdOf(shortId: string, mailbox?: string): Promise<string> {
  const since = lastSeq();
  await ok('get_message', { id: shortId, ...(mailbox ? { mailbox } : {}) });
  const [get] = graphCalls(since, 'GET');
  assert.ok(get);
  return get.path.split('/messages/')[1]?.split('/')[0] ?? '';
}

void describe('attachments', () => {
  void test('get_message lists file, attached-message and link attachments with ids; save_attachments saves them', async () => {
    const listed = ids((await ok('list_messages', { folder: 'inbox', top: 50 })).text);
    let mixed: { id: string; text: string } | undefined;
    let link: string | undefined;
    for (const id of listed) {
      const { text } = await ok('get_message', { id });
      if (!mixed && /attached message/.test(text) && /^- \[a[^\]]+\] .*\((text|application)\//m.test(text))
        mixed = { id, text };
      if (!link && /link to a cloud file/.test(text)) link = id;
      if (mixed && link) break;
    }
    assert.ok(mixed, 'the seeded inbox has a message with files and an attached message');
    assert.ok(link, 'and one with a cloud-file link');
    const attachmentIds = [...mixed.text.matchAll(/^- \[(a[^\]]+)\]/gm)].map((m) => m[1] ?? '');
    assert.ok(attachmentIds.length >= 2);
    const saved = await ok('save_attachments', { id: mixed.id });
    const paths = [...saved.text.matchAll(/saved to (.+)$/gm)].map((m) => m[1] ?? '');
    assert.equal(paths.length, attachmentIds.length, saved.text);
    for (const p of paths) assert.ok(p.startsWith(downloads), p);
    const eml = paths.find((p) => p.endsWith('.eml'));
    assert.ok(eml);
    assert.match(await readFile(eml, 'utf8'), /^From: .*\r\nTo: /);
    const one = await ok('save_attachments', { id: mixed.id, attachmentIds: [attachmentIds[0]] });
    assert.equal([...one.text.matchAll(/saved to /g)].length, 1);
    const none = await ok('save_attachments', { id: link });
    assert.match(none.text, /a link to a cloud file, nothing to save/);
  });

  void test('create_draft with local files: path, size and SHA-256 approved; < 3 MB inline, 5 MB through an Outlook session without Authorization', async () => {
    const small = join(work, 'notes.txt');
    const big = join(work, 'scan.bin');
    const bigBytes = Buffer.alloc(5 * 1024 * 1024 + 17);
    for (let i = 0; i < bigBytes.length; i++) bigBytes[i] = (i * 7) % 251;
    await writeFile(small, 'meeting notes\n');
    await writeFile(big, bigBytes);
    const args = { to: [megan], subject: 'Scans', body: 'Attached.', attachments: [small, big] };
    const asked = await deniedSendsNothing('create_draft', args);
    assert.match(
      asked.details['Attachment 2'] ?? '',
      new RegExp(`SHA-256 ${createHash('sha256').update(bigBytes).digest('hex')}: local file ${big}$`),
    );
    const since = lastSeq();
    const draft = await ok('create_draft', args);
    const [draftId] = [...draft.text.matchAll(/\[(m[^\]]+)\]/g)].map((m) => m[1] ?? '');
    assert.ok(draftId, draft.text);
    const log = graphCalls(since);
    const puts = log.filter((r) => r.path.startsWith('/_up/'));
    assert.ok(puts.length >= 2, 'the 5 MB file went in several fragments');
    for (const put of puts) {
      assert.equal(put.method, 'PUT');
      assert.equal(put.headers.authorization, undefined, 'no Authorization on the upload URL');
      assert.ok(Number(put.headers['content-length']) < 4 * 1024 * 1024, 'Outlook takes < 4 MB per request');
    }
    assert.ok(log.some((r) => r.method === 'POST' && r.path.endsWith('/attachments/createUploadSession')));
    const got = await ok('get_message', { id: draftId });
    assert.match(got.text, /^State: draft/m);
    assert.match(got.text, /notes\.txt/);
    assert.match(got.text, /scan\.bin/);
    const saved = await ok('save_attachments', { id: draftId });
    const back = [...saved.text.matchAll(/scan\.bin .* saved to (.+)$/gm)][0]?.[1];
    assert.ok(back, saved.text);
    assert.ok(bigBytes.equals(await readFile(back)), 'the attachment reads back identical');

    await deniedSendsNothing('update_draft', { id: draftId, subject: 'Scans (v2)' });
    const upd = await ok('update_draft', { id: draftId, subject: 'Scans (v2)', cc: [support] });
    assert.match(upd.asked?.summary ?? '', /^Update the draft "Scans" .*subject, ccRecipients changed/);
    await deniedSendsNothing('send_mail', { draftId });
    const sent = await ok('send_mail', { draftId });
    assert.match(sent.asked?.summary ?? '', /^Send the draft "Scans \(v2\)" to /);
    assert.match(sent.asked?.details.Attachments ?? '', /notes\.txt, scan\.bin/);
    const inSent = await ok('list_messages', { folder: 'sentitems', top: 3 });
    assert.match(inSent.text, /Subject: Scans \(v2\)/);
    const notDraft = await run('update_draft', { id: ids(inSent.text)[0], body: 'rewrite history' });
    assert.match(notDraft.text, /not a draft/);
    assert.equal(notDraft.asked, undefined, 'refused before asking');
  });

  void test('send_mail with a file: refused outside the upload folders before any approval; a file changed after approval is never attached or sent', async () => {
    const since = lastSeq();
    const outside = await run('send_mail', { to: [megan], subject: 'x', body: 'y', attachments: ['/etc/hostname'] });
    assert.equal(outside.result.isError, true);
    assert.match(outside.text, /will not upload that local file/);
    assert.equal(outside.asked, undefined);
    assert.deepEqual(writesSince(since), []);

    const file = join(work, 'contract.txt');
    await writeFile(file, 'price: 100\n');
    const changed = lastSeq();
    const r = await run(
      'send_mail',
      { to: [megan], subject: 'Contract', body: 'See attached.', attachments: [file] },
      'allow-once',
      () => writeFile(file, 'price: 999\n'),
    );
    assert.equal(r.result.isError, true);
    assert.match(r.text, /changed/i);
    const writes = writesSince(changed);
    assert.ok(!writes.some((w) => w.endsWith('/send') || w.endsWith('/attachments')), writes.join('\n'));
  });
});

void describe('new messages', () => {
  void test('create_draft and send_mail without files: a denial sends nothing; once approved one request each', async () => {
    const draft = { to: [megan], subject: 'Agenda', body: 'Draft agenda.' };
    await deniedSendsNothing('create_draft', draft);
    await deniedSendsNothing('send_mail', draft);
    const since = lastSeq();
    await ok('create_draft', draft);
    await ok('send_mail', { ...draft, subject: 'Agenda (final)' });
    assert.deepEqual(writesSince(since), ['POST /v1.0/me/messages', 'POST /v1.0/me/sendMail']);
  });

  void test('send_mail with a file: draft, attachment, send — and a denial sends nothing', async () => {
    const file = join(work, 'minutes.txt');
    await writeFile(file, 'minutes\n');
    const args = { to: [megan], subject: 'Minutes', body: 'Attached.', attachments: [file] };
    await deniedSendsNothing('send_mail', args);
    const since = lastSeq();
    const r = await ok('send_mail', args);
    assert.match(r.text, /with 1 attachment\(s\)/);
    const writes = writesSince(since);
    assert.equal(writes.length, 3, writes.join('\n'));
    assert.equal(writes[0], 'POST /v1.0/me/messages');
    assert.match(writes[1] ?? '', /^POST \/v1\.0\/me\/messages\/.+\/attachments$/);
    assert.match(writes[2] ?? '', /^POST \/v1\.0\/me\/messages\/.+\/send$/);
  });
});

void describe('replies and forwards', () => {
  void test('reply, reply all and forward each ask first (a denial sends nothing) and reach Graph once approved', async () => {
    const [first, second, third] = await inbox(3);
    assert.ok(first && second && third);
    for (const [mode, id, extra] of [
      ['reply', first, {}],
      ['replyAll', second, {}],
      ['forward', third, { to: [megan] }],
    ] as const) {
      const args = { id, comment: `${mode} text`, mode, ...extra };
      await deniedSendsNothing('reply_to_message', args);
      const since = lastSeq();
      const r = await ok('reply_to_message', args);
      assert.match(r.asked?.summary ?? '', mode === 'forward' ? /^Forward to megan@.*"FW: / : /"RE: /);
      const writes = writesSince(since);
      assert.equal(writes.length, 1, writes.join('\n'));
      assert.ok(writes[0]?.endsWith(`/${mode}`), writes[0]);
    }
  });
});

void describe('triage', () => {
  void test('every update_messages action asks with the messages and the action; a denial changes nothing', async () => {
    const targets = await inbox(4, { unreadOnly: true });
    assert.ok(targets.length >= 2);
    const pair = targets.slice(0, 2);
    const actions: [string, Record<string, unknown>, RegExp][] = [
      ['markRead', {}, /^Mark 2 message\(s\) read/],
      ['markUnread', {}, /^Mark 2 message\(s\) unread/],
      ['flag', {}, /^Flag 2 message\(s\)/],
      ['unflag', {}, /^Clear the flag of 2 message\(s\)/],
      ['categorize', { categories: ['Blue category'] }, /^Set the categories of 2 message\(s\) to "Blue category"/],
      ['setImportance', { importance: 'high' }, /^Set 2 message\(s\) to high importance/],
    ];
    for (const [action, extra, summary] of actions) {
      const args = { ids: pair, action, ...extra };
      const asked = await deniedSendsNothing('update_messages', args);
      assert.match(asked.summary, summary);
      assert.equal((asked.details['Messages 1–2'] ?? '').split('\n').length, 2, 'both messages, sender and subject');
      const r = await ok('update_messages', args);
      assert.match(r.text, new RegExp(`^${action}: 2 of 2 done`));
    }
    const state = await ok('get_message', { id: pair[0] });
    assert.match(state.text, /^State: .*high importance/m);
    assert.match(state.text, /^Categories: Blue category$/m);
  });

  void test('move gives new ids (the old one is gone); delete goes to Deleted Items', async () => {
    const [a, b] = await inbox(2);
    assert.ok(a && b);
    await deniedSendsNothing('update_messages', { ids: [a], action: 'move', folder: 'archive' });
    const moved = await ok('update_messages', { ids: [a], action: 'move', folder: 'archive' });
    assert.match(moved.asked?.summary ?? '', /^Move 1 message\(s\) to "Archive"/);
    const newId = /new id \[([^\]]+)\]/.exec(moved.text)?.[1];
    assert.ok(newId && newId !== a, moved.text);
    assert.equal((await run('get_message', { id: a })).result.isError, true, 'the old id is gone');
    await ok('get_message', { id: newId });
    await deniedSendsNothing('update_messages', { ids: [b], action: 'delete' });
    const del = await ok('update_messages', { ids: [b], action: 'delete' });
    assert.match(del.asked?.summary ?? '', /^Delete 1 message\(s\) \(to Deleted Items\)/);
    const trash = await ok('list_messages', { folder: 'deleteditems', top: 50 });
    assert.ok(ids(trash.text).includes(b), 'the deleted message is in Deleted Items, same id');
  });

  void test('create_mail_folder (top level and inside it), list_mail_folders parent, inbox rules', async () => {
    await deniedSendsNothing('create_mail_folder', { name: 'Projects' });
    const top = await ok('create_mail_folder', { name: 'Projects' });
    const folderId = /\[([^\]]+)\]/.exec(top.text)?.[1];
    assert.ok(folderId);
    const child = await ok('create_mail_folder', { name: 'Falcon', parent: folderId });
    assert.match(child.asked?.summary ?? '', /^Create the mail folder "Falcon" in "Projects"/);
    const again = await run('create_mail_folder', { name: 'Projects' });
    assert.equal(again.result.isError, true);
    assert.match(again.text, /already exists|conflict/i);
    const folders = await ok('list_mail_folders', {});
    assert.match(folders.text, /\] Projects: 0 unread of 0, 1 subfolder\(s\)/);
    const sub = await ok('list_mail_folders', { parent: folderId });
    assert.match(sub.text, /\] Falcon: /);
    const rules = await ok('list_mail_folders', { rules: true });
    assert.match(rules.text, /^- 1\. Newsletters to Archive: if .*senderContains/m);
  });
});
