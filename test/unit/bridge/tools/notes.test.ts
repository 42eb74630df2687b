import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { htmlTitle, notesTools, pageHtml } from '../../../../bridge/tools/notes.ts';
import { assertCatalogRules, byName, fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';

const SECTION = {
  id: '1-section-a',
  displayName: 'Meetings',
  parentNotebook: { id: '1-nb', displayName: "Adele's Notebook" },
  parentSectionGroup: null,
};
const PAGE_HTML =
  '<html lang="en-US"><head><title>Weekly &amp; sync</title><meta name="created" content="2026-05-01T09:00:00+00:00" />' +
  '</head><body data-absolute-enabled="true"><div style="position:absolute"><p>Decisions: ship <b>Friday</b>.</p>' +
  '<p>Action: update the deck.</p></div></body></html>';

void describe('notes tools catalog', () => {
  void it('reads with Notes.Read, creates with Notes.Create (not Notes.ReadWrite)', () => {
    assertCatalogRules(notesTools);
    assert.deepEqual(
      notesTools.map((t) => [t.name, t.scopes, t.write]),
      [
        ['list_notes', ['Notes.Read'], false],
        ['read_note_page', ['Notes.Read'], false],
        ['create_note_page', ['Notes.Create'], true],
      ],
    );
    for (const t of notesTools) assert.equal(t.outputSchema, undefined);
  });
});

void describe('list_notes', () => {
  void it('lists every section as "Notebook › Group › Section"', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/onenote/sections': {
          items: [
            SECTION,
            { ...SECTION, id: '1-b', displayName: 'Falcon', parentSectionGroup: { displayName: 'Projects' } },
          ],
          nextCursor: 'gb1.n',
        },
      },
    });
    const result = await runTool(byName(notesTools, 'list_notes'), {}, fake.ctx);
    assert.deepEqual(fake.graph[0]?.call.query, {
      $select: 'id,displayName',
      $expand: 'parentNotebook($select=displayName),parentSectionGroup($select=displayName)',
      $top: 50,
    });
    assert.match(
      result.text,
      /- \[1-section-a\] Adele's Notebook › Meetings\n- \[1-b\] Adele's Notebook › Projects › Falcon/,
    );
    assert.match(result.text, /cursor "gb1\.n"/);
  });

  void it("lists a section's pages, last edited first", async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/onenote/sections/1-section-a/pages': {
          items: [{ id: '1-p!1-a', title: 'Weekly\nsync', lastModifiedDateTime: '2026-05-02T10:00:00Z' }],
          nextCursor: null,
        },
      },
    });
    const result = await runTool(byName(notesTools, 'list_notes'), { sectionId: '1-section-a', top: 5 }, fake.ctx);
    assert.deepEqual(fake.graph[0]?.call.query, { $select: 'id,title,lastModifiedDateTime', $top: 5 });
    assert.match(result.text, /- \[1-p!1-a\] Weekly sync \(edited 2026-05-02\)/);
  });
});

void describe('read_note_page', () => {
  void it('returns the title and the page content as text', async () => {
    const fake = fakeContext({ routes: { 'GET /me/onenote/pages/1-p!1-a/content': () => PAGE_HTML } });
    const result = await runTool(byName(notesTools, 'read_note_page'), { pageId: '1-p!1-a' }, fake.ctx);
    assert.equal(fake.graph[0]?.call.pathTemplate, '/me/onenote/pages/{id}/content');
    assert.equal(result.text, '# Weekly & sync\n\nDecisions: ship Friday.\n\nAction: update the deck.');
  });

  void it('cuts a long page with a note naming maxChars, and saves one too long for a result to a file', async () => {
    const long = `<html><head><title>Log</title></head><body>${'<p>line of notes</p>'.repeat(3000)}</body></html>`;
    const fake = fakeContext({
      routes: { 'GET /me/onenote/pages/p/content': () => long },
      limits: { maxResultChars: 10_000 },
    });
    const short = await runTool(byName(notesTools, 'read_note_page'), { pageId: 'p', maxChars: 500 }, fake.ctx);
    assert.match(short.text, /call again with maxChars: \d+ to see more/);
    assert.equal(fake.saved.length, 0);
    const whole = await runTool(byName(notesTools, 'read_note_page'), { pageId: 'p', maxChars: 100_000 }, fake.ctx);
    assert.ok(whole.text.length <= 10_000);
    assert.equal(fake.saved.length, 1);
    assert.match(whole.text, /the whole page text is saved in \/tmp\/downloads\/Log\.txt/);
    const saved = Buffer.from(fake.saved[0]?.bytes ?? new Uint8Array()).toString('utf8');
    assert.equal((saved.match(/line of notes/g) ?? []).length, 3000);
  });

  void it('finds the title without a regular expression over the page and strips markup from it', () => {
    assert.equal(htmlTitle('<TITLE>A <b>bold</b>\nplan</TITLE>'), 'A bold plan');
    assert.equal(htmlTitle('<title>unclosed'), '');
    assert.equal(htmlTitle(`${'<title'.repeat(20_000)}`), '');
  });
});

void describe('create_note_page', () => {
  void it('escapes what the model wrote into the page HTML', () => {
    const html = pageHtml('Plan <script>alert(1)</script>', 'a & b\nnext "line"\n\n<img src=x onerror=y>\r\n\r\nlast');
    assert.match(html, /<title>Plan &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/);
    assert.match(
      html,
      /<p>a &amp; b<br \/>next &quot;line&quot;<\/p>\n<p>&lt;img src=x onerror=y&gt;<\/p>\n<p>last<\/p>/,
    );
    assert.doesNotMatch(html, /<script|<img/);
  });

  void it('names notebook and section in the approval, then POSTs text/html with Notes.Create', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/onenote/sections/1-section-a': SECTION,
        'POST /me/onenote/sections/1-section-a/pages': {
          id: '1-new!1-a',
          title: 'Retro',
          links: { oneNoteWebUrl: { href: 'https://contoso.example/onenote?id=1' } },
        },
      },
    });
    const result = await runTool(
      byName(notesTools, 'create_note_page'),
      { sectionId: '1-section-a', title: 'Retro', text: 'Went well: <everything>' },
      fake.ctx,
    );
    assert.deepEqual(fake.log, [
      'request GET /me/onenote/sections/1-section-a',
      'approve',
      'request POST /me/onenote/sections/1-section-a/pages',
    ]);
    assert.equal(fake.approvals[0]?.summary, `Create OneNote page "Retro" in "Adele's Notebook › Meetings"`);
    assert.equal(fake.approvals[0]?.details?.Content, 'Went well: <everything>');
    assert.deepEqual(fake.graph[0]?.call.scopes, ['Notes.Create']);
    const post = fake.graph[1]?.call;
    assert.deepEqual(post?.headers, { 'Content-Type': 'text/html' });
    assert.deepEqual(post?.scopes, ['Notes.Create']);
    assert.match(String(post?.body), /<p>Went well: &lt;everything&gt;<\/p>/);
    assert.match(result.text, /page id: 1-new!1-a\nopen: https:\/\/contoso\.example\/onenote\?id=1/);
  });

  void it('creates nothing when denied', async () => {
    const fake = fakeContext({ deny: true, routes: { 'GET /me/onenote/sections/s': SECTION } });
    await rejectsWithCode(
      runTool(byName(notesTools, 'create_note_page'), { sectionId: 's', title: 't', text: 'x' }, fake.ctx),
      'APPROVAL_DENIED',
    );
    assert.ok(fake.graph.every((g) => g.call.method === 'GET'));
  });
});
