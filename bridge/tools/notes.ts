/**
 * OneNote tools (group `notes`): list_notes (every section with its notebook, or one section's
 * pages), read_note_page (a page's HTML content as text; a page longer than one result is saved to a
 * file whole), create_note_page (a page from a title and plain text, sent as HTML with everything
 * the model wrote escaped). Graph: /me/onenote/sections, /sections/{id}/pages, /pages/{id}/content,
 * POST /sections/{id}/pages (`Content-Type: text/html`). Results are text only.
 */
import { z } from 'zod';
import type { OnenotePage, OnenoteSection } from '@microsoft/microsoft-graph-types';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import type { ToolContext, ToolDefinition } from './tool.ts';
import { CREATE_ANNOTATIONS, READ_ANNOTATIONS, defineTool } from './shared/define.ts';
import { cursorInput, listPage } from './shared/list.ts';
import { resolveId, shortId } from './shared/ids.ts';
import { pathSegment } from './shared/paths.ts';
import { bodyToText, clip, cutBody, plainLine, withoutControls } from './shared/text.ts';

const READ = GROUP_SCOPES.notes.read;
/** Notes.Create: create pages, and read the names of notebooks and sections (for the approval). */
const CREATE = GROUP_SCOPES.notes.write;

const DEFAULT_PAGE_CHARS = 8000;
const MAX_PAGE_TEXT = 100_000;

type Section = OnenoteSection & { id: string };
type Page = OnenotePage & { id: string };

/** "Notebook › Group › Section" from a section with its parents expanded. */
function sectionPath(s: OnenoteSection): string {
  return [s.parentNotebook?.displayName, s.parentSectionGroup?.displayName, s.displayName]
    .map((name) => plainLine(name, 100))
    .filter(Boolean)
    .join(' › ');
}

const SECTION_EXPAND = 'parentNotebook($select=displayName),parentSectionGroup($select=displayName)';

const listNotes = defineTool({
  name: 'list_notes',
  group: 'notes',
  title: 'List OneNote sections or pages',
  description:
    'Lists your OneNote sections as "Notebook › Section" with ids; with sectionId, the pages of that section, ' +
    'last edited first.',
  scopes: READ,
  write: false,
  inputSchema: () => ({
    sectionId: z.string().min(1).max(500).optional(),
    top: z.number().int().min(1).max(100).default(50),
    cursor: cursorInput,
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    if (input.sectionId === undefined) {
      const { text } = await listPage(
        ctx,
        {
          method: 'GET',
          path: '/me/onenote/sections',
          pathTemplate: '/me/onenote/sections',
          query: { $select: 'id,displayName', $expand: SECTION_EXPAND, $top: input.top },
          scopes: READ,
        },
        input.cursor,
        {
          key: 'sections',
          idKind: 'noteSection',
          shape: (s: Section, id) => `- [${id}] ${sectionPath(s) || '(unnamed)'}`,
          line: (line: string) => line,
          head: (items) => `${items.length} section(s); [id] is sectionId:`,
        },
      );
      return { text };
    }
    const sectionId = await resolveId(ctx, 'noteSection', input.sectionId);
    const { text } = await listPage(
      ctx,
      {
        method: 'GET',
        path: `/me/onenote/sections/${pathSegment(sectionId)}/pages`,
        pathTemplate: '/me/onenote/sections/{id}/pages',
        query: { $select: 'id,title,lastModifiedDateTime', $top: input.top },
        scopes: READ,
      },
      input.cursor,
      {
        key: 'pages',
        idKind: 'notePage',
        shape: (p: Page, id) => {
          const edited = p.lastModifiedDateTime ? ` (edited ${p.lastModifiedDateTime.slice(0, 10)})` : '';
          return `- [${id}] ${plainLine(p.title, 200) || '(untitled)'}${edited}`;
        },
        line: (line: string) => line,
        head: (items) => `${items.length} page(s); [id] for read_note_page:`,
      },
    );
    return { text };
  },
});

/** The text of the page's `<title>` (linear: indexOf only), or '' when it has none. */
export function htmlTitle(html: string): string {
  const head = html.slice(0, 64 * 1024);
  const lower = head.toLowerCase();
  const start = lower.indexOf('<title');
  const open = start < 0 ? -1 : head.indexOf('>', start);
  const end = open < 0 ? -1 : lower.indexOf('</title>', open);
  if (end < 0) return '';
  return plainLine(bodyToText({ contentType: 'html', content: `<p>${head.slice(open + 1, end)}</p>` }), 300);
}

const readNotePage = defineTool({
  name: 'read_note_page',
  group: 'notes',
  title: 'Read a OneNote page',
  description:
    'Returns a OneNote page as plain text with its title. A long page is cut (maxChars shows more); one too long ' +
    'for a result is also saved whole to a file whose path is returned.',
  scopes: READ,
  write: false,
  inputSchema: () => ({
    pageId: z.string().min(1).max(1000).describe('From list_notes with sectionId.'),
    maxChars: z.number().int().min(200).max(100_000).optional(),
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const pageId = await resolveId(ctx, 'notePage', input.pageId);
    const html = await ctx.graph.request<unknown>({
      method: 'GET',
      path: `/me/onenote/pages/${pathSegment(pageId)}/content`,
      pathTemplate: '/me/onenote/pages/{id}/content',
      scopes: READ,
    });
    const content = typeof html === 'string' ? html : '';
    const title = htmlTitle(content) || '(untitled)';
    const text = withoutControls(bodyToText({ contentType: 'html', content }));
    const head = `# ${title}\n\n`;
    const cut = (elsewhere: string) =>
      cutBody(text, {
        requested: input.maxChars ?? DEFAULT_PAGE_CHARS,
        room: ctx.limits.maxResultChars - head.length,
        option: 'maxChars',
        elsewhere,
      });
    let body = cut('open the page in OneNote');
    if (body.truncated && (input.maxChars ?? DEFAULT_PAGE_CHARS) >= body.ceiling) {
      const path = await ctx.saveDownload(`${clip(title, 80)}.txt`, Buffer.from(`${title}\n\n${text}\n`, 'utf8'));
      body = cut(`the whole page text is saved in ${path}`);
    }
    return { text: head + body.text };
  },
});

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The page's HTML: the title, and one paragraph per block of `text` (single line breaks kept). */
export function pageHtml(title: string, text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br />')}</p>`);
  return `<!DOCTYPE html>\n<html>\n<head>\n<title>${escapeHtml(plainLine(title, 255))}</title>\n</head>\n<body>\n${paragraphs.join('\n')}\n</body>\n</html>\n`;
}

const createNotePage = defineTool({
  name: 'create_note_page',
  group: 'notes',
  title: 'Create a OneNote page',
  description:
    'Creates a OneNote page with a title and plain-text content (blank lines separate paragraphs) in a section. The ' +
    'user approves first.',
  scopes: CREATE,
  write: true,
  inputSchema: () => ({
    sectionId: z.string().min(1).max(500).describe('From list_notes.'),
    title: z.string().min(1).max(255),
    text: z.string().max(MAX_PAGE_TEXT),
  }),
  annotations: CREATE_ANNOTATIONS,
  async run(input, ctx) {
    const sectionId = await resolveId(ctx, 'noteSection', input.sectionId);
    const path = `/me/onenote/sections/${pathSegment(sectionId)}`;
    const where = await sectionName(ctx, path);
    const title = plainLine(input.title, 255);
    await ctx.approve(clip(`Create OneNote page "${title}" in ${where}`, 1000), {
      Section: where,
      Title: title,
      Content: clip(input.text, 2000) || '(empty)',
    });
    const page = await ctx.graph.request<Page>({
      method: 'POST',
      path: `${path}/pages`,
      pathTemplate: '/me/onenote/sections/{id}/pages',
      headers: { 'Content-Type': 'text/html' },
      body: pageHtml(title, input.text),
      scopes: CREATE,
    });
    const link = plainLine(page.links?.oneNoteWebUrl?.href, 2000);
    return {
      text: `Created page "${title}" in ${where}.\npage id: ${await shortId(ctx, 'notePage', page.id)}${link ? `\nopen: ${link}` : ''}`,
    };
  },
});

async function sectionName(ctx: ToolContext, path: string): Promise<string> {
  const section = await ctx.graph.request<Section>({
    method: 'GET',
    path,
    pathTemplate: '/me/onenote/sections/{id}',
    query: { $select: 'id,displayName', $expand: SECTION_EXPAND },
    scopes: CREATE,
  });
  return `"${sectionPath(section) || '(unnamed)'}"`;
}

export const notesTools: ToolDefinition[] = [listNotes, readNotePage, createNotePage];
