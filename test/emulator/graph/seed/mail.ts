/**
 * Mailbox seed: the standard top-level folders and ~300 messages spread over Inbox, Sent Items,
 * Archive, Deleted Items and Drafts, dated back from the seed base date, with HTML bodies and some
 * file attachments (text, CSV and small PDF-like bytes); a few Inbox messages also carry an attached
 * message (itemAttachment) or a cloud-file link (referenceAttachment).
 */
import type {
  DirectoryUser,
  FileAttachment,
  ItemAttachment,
  MailAttachment,
  MailFolder,
  Message,
  Recipient,
  ReferenceAttachment,
} from '../model.ts';
import { recipientOf } from './directory.ts';
import { createRng, HOUR_MS, isoZ, outlookId, type Rng } from './prng.ts';

export const WELL_KNOWN_FOLDERS: readonly (readonly [string, string, boolean])[] = [
  ['archive', 'Archive', false],
  ['conversationhistory', 'Conversation History', false],
  ['deleteditems', 'Deleted Items', false],
  ['drafts', 'Drafts', false],
  ['inbox', 'Inbox', false],
  ['junkemail', 'Junk Email', false],
  ['outbox', 'Outbox', false],
  ['sentitems', 'Sent Items', false],
];

const TOPICS = [
  'Project Falcon',
  'Q3 budget',
  'Contoso retail rollout',
  'Northwind contract',
  'Team offsite',
  'Security review',
  'Hiring plan',
  'Marketing launch',
  'Quarterly business review',
  'Customer escalation',
  'Travel approval',
  'Design sprint',
];
const SUBJECT_FORMS = [
  '{t} update',
  'RE: {t}',
  'FW: {t} notes',
  'Action required: {t}',
  '{t} — next steps',
  'Quick question about {t}',
  'Agenda for {t} sync',
  '{t} draft for review',
];
const SENTENCES = [
  'Thanks for pulling this together so quickly.',
  'I have attached the latest numbers for your review.',
  'Can we find 30 minutes this week to go through the open items?',
  'The customer confirmed they want to move ahead with the pilot.',
  'Please review the timeline and let me know if anything looks off.',
  'Legal signed off on the revised terms this morning.',
  'We are still waiting on the final estimate from the vendor.',
  'Let us keep the scope small for the first milestone.',
  'I shared the deck in the team channel as well.',
  'Budget is tight, so please flag any new costs early.',
  'The build is green again after yesterday\u2019s fix.',
  'Reminder: the deadline for feedback is Friday at noon.',
];
const EXTERNAL: readonly Recipient[] = [
  { emailAddress: { name: 'Northwind Traders', address: 'orders@northwind.example' } },
  { emailAddress: { name: 'Fabrikam Travel', address: 'noreply@fabrikam-travel.example' } },
  { emailAddress: { name: 'Litware Newsletter', address: 'news@litware.example' } },
];

export interface SeededMailbox {
  folders: MailFolder[];
  messages: Message[];
  attachments: Map<string, MailAttachment[]>;
}

export function seedFolders(rng: Rng): MailFolder[] {
  const rootId = outlookId(rng);
  return WELL_KNOWN_FOLDERS.map(([wellKnownName, displayName, isHidden]) => ({
    id: outlookId(rng),
    displayName,
    parentFolderId: rootId,
    childFolderCount: 0,
    unreadItemCount: 0,
    totalItemCount: 0,
    isHidden,
    wellKnownName,
  }));
}

export function htmlBody(paragraphs: readonly string[]): string {
  const inner = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\r\n');
  return `<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>\r\n<div>${inner}</div>\r\n</body></html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** HTML → plain text the way `Prefer: outlook.body-content-type="text"` roughly does it. */
export function htmlToText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/gi, '')
    .replace(/<br\s*\/?>/gi, '\r\n')
    .replace(/<\/p>/gi, '\r\n\r\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/(\r\n){3,}/g, '\r\n\r\n')
    .trim();
}

export function bodyPreview(html: string): string {
  return htmlToText(html).replace(/\s+/g, ' ').slice(0, 255);
}

/** Fields every new message needs; callers fill the rest. */
export function newMessage(rng: Rng, fields: Partial<Message> & Pick<Message, 'subject' | 'parentFolderId'>): Message {
  const id = outlookId(rng);
  const now = fields.receivedDateTime ?? isoZ(0);
  const html = fields.body?.content ?? htmlBody(['']);
  const changeKey = rng.b64(18);
  return {
    '@odata.etag': `W/"${changeKey}"`,
    id,
    createdDateTime: now,
    lastModifiedDateTime: now,
    changeKey,
    categories: [],
    receivedDateTime: now,
    sentDateTime: now,
    hasAttachments: false,
    internetMessageId: `<${rng.b64(12)}@contoso.example>`,
    bodyPreview: bodyPreview(html),
    importance: 'normal',
    conversationId: `AAQkAG${rng.b64(30)}=`,
    conversationIndex: Buffer.from(rng.b64(16)).toString('base64'),
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: true,
    isDraft: false,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    body: { contentType: 'html', content: html },
    sender: null,
    from: null,
    toRecipients: [],
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    flag: { flagStatus: 'notFlagged' },
    ...fields,
  };
}

function attachmentFor(rng: Rng, topic: string, atMs: number): FileAttachment {
  const kind = rng.pick(['txt', 'csv', 'pdf'] as const);
  const base = topic.replace(/\W+/g, '-').toLowerCase();
  let bytes: Buffer;
  let contentType: string;
  if (kind === 'txt') {
    bytes = Buffer.from(`${topic} notes\n\n${SENTENCES.slice(0, 5).join('\n')}\n`);
    contentType = 'text/plain';
  } else if (kind === 'csv') {
    const rows = ['region,quarter,revenue'];
    for (const r of ['North', 'South', 'East', 'West']) rows.push(`${r},Q${rng.int(1, 4)},${rng.int(10_000, 99_000)}`);
    bytes = Buffer.from(rows.join('\n') + '\n');
    contentType = 'text/csv';
  } else {
    bytes = Buffer.from(
      `%PDF-1.4\n% ${topic}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    );
    contentType = 'application/pdf';
  }
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    '@odata.mediaContentType': contentType,
    id: `${outlookId(rng)}BEgAQA${rng.b64(6)}=`,
    lastModifiedDateTime: isoZ(atMs),
    name: `${base}.${kind}`,
    contentType,
    size: bytes.length + 180,
    isInline: false,
    contentId: null,
    contentLocation: null,
    contentBytes: bytes.toString('base64'),
  };
}

const PLAN: readonly (readonly [string, number])[] = [
  ['inbox', 180],
  ['sentitems', 60],
  ['archive', 40],
  ['deleteditems', 15],
  ['drafts', 5],
];

export function seedMailbox(me: DirectoryUser, directory: readonly DirectoryUser[], baseMs: number): SeededMailbox {
  const rng = createRng(`mail:${me.id}`);
  const folders = seedFolders(rng);
  const folderId = (name: string): string => folders.find((f) => f.wellKnownName === name)?.id ?? '';
  const others = directory.filter((u) => u.id !== me.id);
  const messages: Message[] = [];
  const attachments = new Map<string, MailAttachment[]>();
  let n = 0;
  for (const [folder, count] of PLAN) {
    for (let i = 0; i < count; i++, n++) {
      const topic = rng.pick(TOPICS);
      const subject = rng.pick(SUBJECT_FORMS).replace('{t}', topic);
      const other = rng.pick(others);
      const external = folder === 'inbox' && rng.chance(0.12) ? rng.pick(EXTERNAL) : undefined;
      const outgoing = folder === 'sentitems' || folder === 'drafts';
      const from: Recipient = outgoing ? recipientOf(me) : (external ?? recipientOf(other));
      const to: Recipient[] = outgoing ? [recipientOf(other)] : [recipientOf(me)];
      const cc = rng.chance(0.3) ? [recipientOf(rng.pick(others))] : [];
      // Spread over ~60 days back from the base date, newest first in the inbox.
      const atMs = baseMs - Math.floor((n / 300) * 60 * 24 + rng.int(1, 20)) * HOUR_MS + rng.int(0, 3_599) * 1000;
      const greeting = `Hi ${(outgoing ? other : me).givenName},`;
      const paras = [greeting, rng.pick(SENTENCES), rng.pick(SENTENCES), `Best,\n${from.emailAddress.name}`];
      const msg = newMessage(rng, {
        subject,
        parentFolderId: folderId(folder),
        receivedDateTime: isoZ(atMs),
        sentDateTime: isoZ(atMs - 2000),
        createdDateTime: isoZ(atMs),
        lastModifiedDateTime: isoZ(atMs),
        body: { contentType: 'html', content: htmlBody(paras) },
        from: folder === 'drafts' ? null : from,
        sender: folder === 'drafts' ? null : from,
        toRecipients: to,
        ccRecipients: cc,
        isRead: outgoing || folder !== 'inbox' || rng.chance(0.75),
        isDraft: folder === 'drafts',
        importance: rng.chance(0.1) ? 'high' : 'normal',
        inferenceClassification: external ? 'other' : 'focused',
        categories: rng.chance(0.15) ? [rng.pick(['Red category', 'Blue category', 'Green category'])] : [],
        flag: { flagStatus: folder === 'inbox' && rng.chance(0.08) ? 'flagged' : 'notFlagged' },
      });
      if (folder !== 'drafts' && rng.chance(0.12)) {
        const list = [attachmentFor(rng, topic, atMs)];
        if (rng.chance(0.3)) list.push(attachmentFor(rng, topic, atMs));
        attachments.set(msg.id, list);
        msg.hasAttachments = true;
      }
      messages.push(msg);
    }
  }
  addOtherAttachments(
    me,
    messages.filter((m) => m.parentFolderId === folderId('inbox')),
    attachments,
  );
  return { folders, messages, attachments };
}

/** The 4th, 10th and 16th Inbox messages without attachments get an attached message; the 6th and 13th a link. */
const ITEM_AT: ReadonlySet<number> = new Set([3, 9, 15]);
const REFERENCE_AT: ReadonlySet<number> = new Set([5, 12]);

/**
 * Item and reference attachments on a few Inbox messages, and an attached message next to the files
 * of the 2nd Inbox message that has files. Their own PRNG, so the rest of the seed is unchanged.
 */
function addOtherAttachments(
  me: DirectoryUser,
  inbox: readonly Message[],
  attachments: Map<string, MailAttachment[]>,
): void {
  const rng = createRng(`mail-attachments:${me.id}`);
  let plain = 0;
  let withFiles = 0;
  for (const msg of inbox) {
    const existing = attachments.get(msg.id);
    if (existing) {
      if (withFiles++ === 1) existing.push(itemAttachmentFor(rng, msg, me));
      continue;
    }
    const i = plain++;
    if (ITEM_AT.has(i)) attachments.set(msg.id, [itemAttachmentFor(rng, msg, me)]);
    else if (REFERENCE_AT.has(i)) attachments.set(msg.id, [referenceAttachmentFor(rng, msg)]);
    else continue;
    msg.hasAttachments = true;
  }
}

function itemAttachmentFor(rng: Rng, outer: Message, me: DirectoryUser): ItemAttachment {
  const topic = outer.subject.replace(/^(RE|FW): /i, '');
  const inner = newMessage(rng, {
    subject: `Original: ${topic}`,
    parentFolderId: outer.parentFolderId,
    receivedDateTime: outer.receivedDateTime,
    sentDateTime: outer.sentDateTime,
    body: { contentType: 'html', content: htmlBody([`Forwarded for context on ${topic}.`, SENTENCES[0] ?? '']) },
    from: EXTERNAL[0] ?? null,
    sender: EXTERNAL[0] ?? null,
    toRecipients: [recipientOf(me)],
  });
  return {
    '@odata.type': '#microsoft.graph.itemAttachment',
    id: `${outlookId(rng)}BEgAQB${rng.b64(6)}=`,
    lastModifiedDateTime: outer.receivedDateTime,
    name: inner.subject,
    contentType: null,
    size: 2048 + inner.body.content.length,
    isInline: false,
    item: inner,
  };
}

function referenceAttachmentFor(rng: Rng, outer: Message): ReferenceAttachment {
  const base = outer.subject
    .replace(/^(RE|FW): /i, '')
    .replace(/\W+/g, '-')
    .toLowerCase();
  return {
    '@odata.type': '#microsoft.graph.referenceAttachment',
    id: `${outlookId(rng)}BEgAQC${rng.b64(6)}=`,
    lastModifiedDateTime: outer.receivedDateTime,
    name: `${base}.docx`,
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    size: 612,
    isInline: false,
  };
}
