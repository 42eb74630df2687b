/**
 * Files (OneDrive and SharePoint libraries, manage_file, Excel) and sites tools end to end (issue
 * #12): the bundled bridge (dist/bridge.js) over a real MCP stdio client, a REAL broker signed in to
 * the Entra+Graph emulator, and the emulator's request log as the proof of what reached Graph. Every
 * write tool is on "ask" and decided here like the tray does: each write (and each action of
 * manage_file) once denied — nothing arrives — and once approved. The broker serves only the files
 * and sites groups; the files group's on-demand library scopes (Files.Read.All, Files.ReadWrite.All)
 * are not granted at first, so the first library call must come back CONSENT_REQUIRED.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import type { TestBroker } from '../helpers/broker.ts';
import type { RunningEmulator } from '../helpers/emulator.ts';
import { resultText, type BridgeClient } from '../helpers/mcp-client.ts';
import { idOf, okText, startToolRig, toolHarness, type ToolRig } from '../helpers/tool-harness.ts';

let rig: ToolRig;
let emulator: RunningEmulator;
let broker: TestBroker;
let bridge: BridgeClient;
let work: string;
let downloads: string;
let adeleOid: string;

const FILE_TOOLS = ['list_files', 'read_file', 'upload_file', 'manage_file', 'read_workbook', 'write_workbook'];
const SITE_TOOLS = ['search_sites', 'list_site_lists', 'create_list_item'];
const BASE_GRANT = [
  ...GROUP_SCOPES.files.read,
  ...GROUP_SCOPES.files.write,
  ...GROUP_SCOPES.sites.read,
  ...GROUP_SCOPES.sites.write,
];

const { lastSeq, graphCalls, writesSince, decide, deniedSendsNothing } = toolHarness(() => ({
  emulator,
  broker: broker.broker,
  bridge,
}));

before(async () => {
  rig = await startToolRig({
    grant: BASE_GRANT,
    broker: { toolGroups: ['files', 'sites'], writes: 'ask' },
    bridge: { clientName: 'tools-files-it', entry: 'dist' },
    workPrefix: 'gb-tools-files-',
  });
  ({ emulator, broker, bridge, work, downloads, adeleOid } = rig);
});

after(() => rig?.close());

void test('tools/list: the files and sites tools, no output schemas, within the budget', async () => {
  const { tools } = await bridge.client.listTools();
  const bytes = (names: string[]) =>
    names.map((n) => {
      const tool = tools.find((t) => t.name === n);
      assert.ok(tool, `${n} is listed`);
      assert.equal(tool.outputSchema, undefined, `${n}: results are text`);
      return Buffer.byteLength(JSON.stringify(tool));
    });
  const files = bytes(FILE_TOOLS);
  const sites = bytes(SITE_TOOLS);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  assert.ok(sum(files) <= 7 * 1024, `files tools take ${sum(files)} bytes`);
  assert.ok(sum(sites) <= 3 * 1024, `sites tools take ${sum(sites)} bytes`);
  assert.ok(Math.max(...files, ...sites) <= 2.5 * 1024);
  const annotations = Object.fromEntries(tools.map((t) => [t.name, t.annotations?.readOnlyHint === true]));
  assert.deepEqual(
    [...FILE_TOOLS, ...SITE_TOOLS].filter((n) => annotations[n]),
    ['list_files', 'read_file', 'read_workbook', 'search_sites', 'list_site_lists'],
  );
});

void describe('OneDrive files', () => {
  void test('list_files: root, a path, paging with the cursor, search', async () => {
    const root = okText(await bridge.call('list_files', {}));
    assert.match(root, /- \[d[0-9a-z]{8,}\] Documents\/ \(folder, 2 item\(s\)/);
    const reports = okText(await bridge.call('list_files', { path: 'Documents/Reports' }));
    assert.match(reports, /3 item\(s\) in 'Documents\/Reports' of OneDrive:/);
    assert.match(reports, /Documents\/Reports\/Q1 sales\.csv/);
    const p1 = okText(await bridge.call('list_files', { top: 2 }));
    const cursor = /cursor "([^"]+)"/.exec(p1)?.[1];
    assert.ok(cursor, p1);
    const p2 = okText(await bridge.call('list_files', { top: 2, cursor }));
    assert.doesNotMatch(p2, new RegExp(idOf(p1, /Documents\//)));
    const found = okText(await bridge.call('list_files', { query: 'Falcon' }));
    assert.match(found, /Documents\/Project Falcon\/Falcon plan\.docx/);
  });

  void test('read_file: small text inline; a binary file saved with the bytes Graph has', async () => {
    const todo = okText(await bridge.call('read_file', { path: 'Notes/todo.txt' }));
    assert.ok(todo.endsWith('- call Northwind\n- send Q2 summary\n- book offsite venue\n'), todo);
    const found = okText(await bridge.call('list_files', { query: 'Falcon plan' }));
    const bin = okText(await bridge.call('read_file', { itemId: idOf(found, /Falcon plan\.docx/) }));
    const saved = /saved to (.+)$/.exec(bin)?.[1] ?? '';
    assert.ok(saved.startsWith(downloads), bin);
    assert.equal((await readFile(saved)).subarray(0, 2).toString('latin1'), 'PK');
    assert.doesNotMatch(bin, /UEsDB/, 'no base64 zip in the model context');
  });

  void test('upload_file: denied sends nothing; approved, read back byte-for-byte; no overwrite by default', async () => {
    const local = join(work, 'blob.bin');
    const data = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x00, 0x7f, 0x80, ...Buffer.from('graph bridge')]);
    await writeFile(local, data);
    const args = { path: 'Notes/it-blob.bin', localPath: local, conflictBehavior: 'replace' };
    const no = await deniedSendsNothing('upload_file', args);
    assert.match(no.summary, /to OneDrive "Notes\/it-blob\.bin"/);
    const { result } = await decide('upload_file', args, 'allow-once');
    assert.match(okText(result), /^Uploaded 20 bytes to Notes\/it-blob\.bin in OneDrive \[d[0-9a-z]+\]/);
    const read = okText(await bridge.call('read_file', { path: 'Notes/it-blob.bin' }));
    assert.deepEqual(await readFile(/saved to (.+)$/.exec(read)?.[1] ?? ''), data);
    const again = await decide('upload_file', { path: 'Notes/it-blob.bin', content: 'x' }, 'allow-once');
    assert.equal(again.result.isError, true, 'conflictBehavior fail refuses to overwrite');
  });

  void test('read_file above the inline limit streams the file to the download folder byte for byte', async () => {
    // 1 MiB of text: more than the 256 KiB shown inline, so it goes socket → file (GraphApi.downloadToFile).
    const content = Array.from(
      { length: 16_384 },
      (_, i) => `line ${String(i).padStart(5, '0')} ${'x'.repeat(52)}`,
    ).join('\n');
    const { result } = await decide(
      'upload_file',
      { path: 'Notes/it-big.csv', content, conflictBehavior: 'replace' },
      'allow-once',
    );
    okText(result);
    const before = new Set(await readdir(downloads));
    const read = okText(await bridge.call('read_file', { path: 'Notes/it-big.csv' }));
    assert.match(read, /too large to show inline \(limit [^)]+\); saved to /);
    const saved = /saved to (.+)$/.exec(read)?.[1] ?? '';
    assert.ok(saved.startsWith(downloads), read);
    assert.equal(await readFile(saved, 'utf8'), content);
    assert.equal((await stat(saved)).mode & 0o777, 0o600);
    assert.deepEqual(
      (await readdir(downloads)).filter((f) => !before.has(f)),
      [basename(saved)],
      'exactly one new file',
    );
  });
});

void describe('manage_file', () => {
  void test('every action denied: nothing but reads reach Graph', async () => {
    const item = { path: 'Notes/meeting-notes.md' };
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { action: 'rename', name: 'sync.md' },
        /^Rename file "Notes\/meeting-notes\.md" to "Notes\/sync\.md" in OneDrive/,
      ],
      [{ action: 'move', to: 'Documents' }, /^Move file .* to "Documents\/meeting-notes\.md"/],
      [{ action: 'copy', to: 'Documents' }, /^Copy file .* to "Documents\/meeting-notes\.md"/],
      [{ action: 'delete' }, /^Delete file "Notes\/meeting-notes\.md" from OneDrive \(it goes to the recycle bin\)/],
      [{ action: 'share', scope: 'anonymous' }, /lets ANYONE who has the link, without signing in view it/],
    ];
    for (const [args, summary] of cases) {
      await deniedSendsNothing('manage_file', { ...item, ...args }, summary);
    }
  });

  void test('rename, move, copy, share and delete when approved', async () => {
    const since = lastSeq();
    const renamed = await decide(
      'manage_file',
      { action: 'rename', path: 'Notes/todo.txt', name: 'todo-2026.txt' },
      'allow-once',
    );
    assert.match(okText(renamed.result), /→ Notes\/todo-2026\.txt$/);
    const moved = await decide(
      'manage_file',
      { action: 'move', path: 'Notes/todo-2026.txt', to: 'Documents' },
      'allow-once',
    );
    assert.match(okText(moved.result), /→ Documents\/todo-2026\.txt$/);
    const copied = await decide(
      'manage_file',
      { action: 'copy', path: 'Documents/todo-2026.txt', to: 'Notes', name: 'todo-copy.txt' },
      'allow-once',
    );
    assert.match(
      okText(copied.result),
      /^Copied file "Documents\/todo-2026\.txt" → Notes\/todo-copy\.txt \[d[0-9a-z]+\]$/,
    );
    assert.match(okText(await bridge.call('read_file', { path: 'Notes/todo-copy.txt' })), /call Northwind/);
    const shared = await decide('manage_file', { action: 'share', path: 'Notes/todo-copy.txt' }, 'allow-once');
    assert.match(
      okText(shared.result),
      /\(view, your organization\): https:\/\/contoso-my\.sharepoint\.com\/:u:\/g\/E/,
    );
    const gone = await decide('manage_file', { action: 'delete', path: 'Notes/todo-copy.txt' }, 'allow-once');
    assert.match(okText(gone.result), /recycle bin/);
    assert.equal((await bridge.call('read_file', { path: 'Notes/todo-copy.txt' })).isError, true);
    assert.deepEqual(
      writesSince(since).map((w) => w.replace(/items\/[^/]+/, 'items/{id}')),
      [
        'PATCH /v1.0/me/drive/items/{id}',
        'PATCH /v1.0/me/drive/items/{id}',
        'POST /v1.0/me/drive/items/{id}/copy',
        'POST /v1.0/me/drive/items/{id}/createLink',
        'DELETE /v1.0/me/drive/items/{id}',
      ],
    );
  });

  void test('a rename onto an existing name is reported, and a copy still running is reported honestly', async () => {
    const clash = await decide(
      'manage_file',
      { action: 'rename', path: 'Documents/Reports/Q1 sales.csv', name: 'Q2 sales.csv' },
      'allow-once',
    );
    assert.equal(clash.result.isError, true);
    assert.match(resultText(clash.result), /already exists in 'Documents\/Reports'; nothing was changed/);
    // Graph copies in the background: a 202 whose copy is not at its destination yet.
    emulator.control.addFault({
      host: 'graph',
      method: 'POST',
      pathPattern: '/copy$',
      status: 202,
      headers: { Location: 'https://127.0.0.1/_mon/x' },
    });
    const pending = await decide('manage_file', { action: 'copy', path: 'README.md', to: 'Notes' }, 'allow-once');
    assert.match(okText(pending.result), /accepted and runs in the background; it is not there yet/);
  });
});

void describe('Excel workbooks', () => {
  const book = { path: 'Documents/Project Falcon/Falcon budget.xlsx' };

  void test('read_workbook: overview, a range, a table, and a big used range capped and saved as CSV', async () => {
    const overview = okText(await bridge.call('read_workbook', book));
    assert.match(
      overview,
      /- Budget — used A1:D4 \(4 rows × 4 columns\)\n- Sales — used A1:E501 \(501 rows × 5 columns\)/,
    );
    assert.match(overview, /Tables: Budget/);
    const range = okText(await bridge.call('read_workbook', { ...book, sheet: 'Budget', range: 'A1:B2' }));
    assert.match(
      range,
      /Budget!A1:B2 \(2 rows × 2 columns\):\nrow \| A \| B\n1 \| Item \| Q1\n2 \| Hardware \| 12000$/,
    );
    const table = okText(await bridge.call('read_workbook', { ...book, table: 'Budget' }));
    assert.match(table, /4 \| Contractors \| 20000 \| 25000 \| 10000$/);
    const sales = okText(await bridge.call('read_workbook', { ...book, sheet: 'Sales' }));
    const csv = /All rows saved as CSV: (.+)\]$/.exec(sales)?.[1];
    assert.ok(csv, sales);
    assert.match(sales, /\[Showing \d+ of 501 rows\./);
    assert.equal((await readFile(csv, 'utf8')).trimEnd().split('\r\n').length, 501);
    assert.equal(graphCalls(0, 'POST', /createSession/).length, 0, 'reads need no session');
  });

  void test('write_workbook: denied sends nothing; approved writes in a session that is closed afterwards', async () => {
    const write = { ...book, sheet: 'Budget', range: 'B3', values: [[5500, 5600]] };
    const no = await deniedSendsNothing('write_workbook', write);
    assert.match(
      no.summary,
      /^Write 1 row\(s\) × 2 column\(s\) to Budget!B3:C3 of workbook "Documents\/Project Falcon\/Falcon budget\.xlsx" in OneDrive/,
    );
    const since = lastSeq();
    const { result, asked } = await decide('write_workbook', write, 'allow-once');
    assert.match(okText(result), /^Wrote 1×2 cell\(s\) to Budget!B3:C3/);
    assert.equal(asked.details.Overwrites, '2 non-empty cell(s)');
    const writes = writesSince(since).map((w) => w.replace(/items\/[^/]+/, 'items/{id}'));
    assert.deepEqual(writes, [
      'POST /v1.0/me/drive/items/{id}/workbook/createSession',
      "PATCH /v1.0/me/drive/items/{id}/workbook/worksheets('Budget')/range(address='B3:C3')",
      'POST /v1.0/me/drive/items/{id}/workbook/closeSession',
    ]);
    const patch = emulator.control.requests(since).find((r) => r.method === 'PATCH');
    assert.match(patch?.headers['workbook-session-id'] ?? '', /^cluster=EMU&session=/);
    assert.match(
      okText(await bridge.call('read_workbook', { ...book, sheet: 'Budget', range: 'B3:C3' })),
      /3 \| 5500 \| 5600$/,
    );

    const rows = { ...book, table: 'Budget', values: [['Travel', 1000, 900, 800]] };
    const noRows = await deniedSendsNothing('write_workbook', rows);
    assert.equal(noRows.summary.startsWith('Add 1 row(s) to table "Budget"'), true);
    const added = await decide('write_workbook', rows, 'allow-once');
    assert.equal(added.asked.details.Table, 'Budget (columns: Item, Q1, Q2, Q3)');
    assert.match(okText(added.result), /^Added 1 row\(s\) to table Budget/);
    assert.match(
      okText(await bridge.call('read_workbook', { ...book, table: 'Budget' })),
      /5 \| Travel \| 1000 \| 900 \| 800$/,
    );
  });
});

void describe('SharePoint', () => {
  void test('search_sites lists sites and their libraries; list_site_lists lists and items', async () => {
    const sites = okText(await bridge.call('search_sites', { query: 'marketing' }));
    assert.match(
      sites,
      /- \[s[0-9a-z]{8,}\] Contoso Marketing — https:\/\/contoso\.sharepoint\.com\/sites\/Marketing\n {2}libraries: \[v[0-9a-z]{8,}\] Documents; \[v[0-9a-z]{8,}\] Brand Assets/,
    );
    const site = idOf(sites, /Contoso Marketing/);
    const lists = okText(await bridge.call('list_site_lists', { site }));
    assert.match(lists, /\] Campaign tasks \(list, modified /);
    const list = idOf(lists, /Campaign tasks/);
    assert.match(list, /^w[0-9a-z]{8,}$/);
    const items = okText(await bridge.call('list_site_lists', { site, list }));
    assert.match(
      items,
      /^Fields: Title \(text\), Status \(choice: Not started\|In progress\|Done\), Owner \(text\), DueDate \(dateTime\), Budget \(number\)/,
    );
    assert.match(
      items,
      /- \[1\] Book influencers — Status: In progress; Owner: Megan Bowen; DueDate: .*; Budget: 5000/,
    );
  });

  void test('create_list_item: denied sends nothing; approved adds the item', async () => {
    const site = idOf(okText(await bridge.call('search_sites', { query: 'marketing' })), /Contoso Marketing/);
    const args = { site, list: 'Campaign tasks', fields: { Title: 'Radio spot', Status: 'Not started', Budget: 1200 } };
    const no = await deniedSendsNothing('create_list_item', args);
    assert.equal(
      no.summary,
      'Add an item to list "Campaign tasks" of site "Contoso Marketing": Title: Radio spot; Status: Not started; Budget: 1200',
    );
    const { result } = await decide('create_list_item', args, 'allow-once');
    assert.match(okText(result), /^Added item \[4\] to list "Campaign tasks"/);
    const bad = await decide('create_list_item', { ...args, fields: { Nope: 'x' } }, 'allow-once');
    assert.match(resultText(bad.result), /Field 'Nope' is not recognized/);
  });

  void test('a library through drive: CONSENT_REQUIRED for Files.Read.All until granted, then list, read, upload, Excel', async () => {
    const sites = okText(await bridge.call('search_sites', { query: 'marketing' }));
    const library = /libraries: \[(v[0-9a-z]+)\] Documents/.exec(sites)?.[1];
    assert.ok(library, sites);
    const before = await bridge.call('list_files', { drive: library });
    assert.equal(before.isError, true);
    assert.match(resultText(before), /Files\.Read\.All/);
    assert.match(resultText(before), /Grant/);
    emulator.control.setGrant(adeleOid, emulator.clientId, [...BASE_GRANT, 'Files.Read.All', 'Files.ReadWrite.All']);

    const root = okText(await bridge.call('list_files', { drive: library, path: 'Campaigns' }));
    assert.match(root, /Campaigns\/Spring launch plan\.md/);
    assert.match(
      okText(await bridge.call('read_file', { drive: library, path: 'Campaigns/Spring launch plan.md' })),
      /Kick-off/,
    );
    const since = lastSeq();
    const up = await decide(
      'upload_file',
      { drive: library, path: 'Campaigns/brief.md', content: '# Brief' },
      'allow-once',
    );
    assert.match(
      up.asked.summary,
      /to SharePoint library "Documents" \(https:\/\/contoso\.sharepoint\.com\/sites\/Marketing\/Shared%20Documents\) "Campaigns\/brief\.md"/,
    );
    assert.match(okText(up.result), /Uploaded 7 bytes to Campaigns\/brief\.md in SharePoint library "Documents"/);
    assert.equal(graphCalls(since, 'PUT', /^\/v1\.0\/drives\/b!.*\/root:\/Campaigns\/brief\.md:\/content$/).length, 1);
    const budget = okText(
      await bridge.call('read_workbook', { drive: library, path: 'Campaigns/Campaign budget.xlsx', table: 'Spend' }),
    );
    assert.match(budget, /4 \| In-store \| 45000 \| 30000 \| Patti Fernandez$/);
    const siteDrive = okText(await bridge.call('list_files', { drive: idOf(sites, /Contoso Marketing/) }));
    assert.match(siteDrive, /Campaigns\//, 'a site id means its default library');
  });
});
