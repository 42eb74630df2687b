/**
 * KQL-lite for `GET /me/messages?$search="…"` (spec §9.3): bare terms match from/subject/body;
 * `prop:value` for subject, body, from, to, cc, bcc, participants, recipients, attachment,
 * hasAttachments, importance, received, sent; terms are ANDed unless joined by OR; NOT negates.
 */
import type { MailAttachment, Message, Recipient } from '../model.ts';
import { htmlToText } from '../seed/mail.ts';

type Test = (m: Message, attachments: readonly MailAttachment[]) => boolean;

function addrText(list: readonly (Recipient | null)[]): string {
  return list
    .filter((r): r is Recipient => r !== null)
    .map((r) => `${r.emailAddress.name} ${r.emailAddress.address}`)
    .join(' ')
    .toLowerCase();
}

function dateTest(op: string, value: string, actual: string): boolean {
  const day = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  const at = Date.parse(actual);
  if (Number.isNaN(day) || Number.isNaN(at)) return false;
  if (op === ':' || op === '=') return value.length === 10 ? at >= day && at < day + 86_400_000 : at === day;
  if (op === '>=') return at >= day;
  if (op === '>') return at > day;
  if (op === '<=') return at <= day;
  return at < day;
}

function termTest(token: string): Test {
  const m = /^([A-Za-z]+)(:|>=|<=|>|<|=)(.+)$/.exec(token);
  if (!m?.[1] || !m[2] || !m[3]) {
    const v = token.toLowerCase();
    return (msg) =>
      addrText([msg.from]).includes(v) ||
      msg.subject.toLowerCase().includes(v) ||
      htmlToText(msg.body.content).toLowerCase().includes(v);
  }
  const prop = m[1].toLowerCase();
  const op = m[2];
  const v = m[3].replace(/^['"]|['"]$/g, '').toLowerCase();
  switch (prop) {
    case 'subject':
      return (msg) => msg.subject.toLowerCase().includes(v);
    case 'body':
      return (msg) => htmlToText(msg.body.content).toLowerCase().includes(v);
    case 'from':
      return (msg) => addrText([msg.from]).includes(v);
    case 'to':
      return (msg) => addrText(msg.toRecipients).includes(v);
    case 'cc':
      return (msg) => addrText(msg.ccRecipients).includes(v);
    case 'bcc':
      return (msg) => addrText(msg.bccRecipients).includes(v);
    case 'recipients':
      return (msg) => addrText([...msg.toRecipients, ...msg.ccRecipients, ...msg.bccRecipients]).includes(v);
    case 'participants':
      return (msg) => addrText([msg.from, ...msg.toRecipients, ...msg.ccRecipients, ...msg.bccRecipients]).includes(v);
    case 'attachment':
      return (_msg, atts) => atts.some((a) => a.name.toLowerCase().includes(v));
    case 'hasattachments':
      return (msg) => msg.hasAttachments === (v === 'true');
    case 'importance':
      return (msg) => msg.importance === v;
    case 'received':
      return (msg) => dateTest(op, v, msg.receivedDateTime);
    case 'sent':
      return (msg) => dateTest(op, v, msg.sentDateTime);
    default:
      return () => true;
  }
}

/** Compiles the (unquoted) search string to a predicate. */
export function compileMessageSearch(search: string): Test {
  const tokens = search.match(/[A-Za-z]+(?::|>=|<=|>|<|=)'[^']*'|\S+/g) ?? [];
  const groups: Test[][] = [[]];
  let negate = false;
  for (const tok of tokens) {
    if (tok === 'AND') continue;
    if (tok === 'OR') {
      groups.push([]);
      continue;
    }
    if (tok === 'NOT') {
      negate = true;
      continue;
    }
    const t = termTest(tok);
    const n = negate;
    groups[groups.length - 1]?.push(n ? (m, a) => !t(m, a) : t);
    negate = false;
  }
  return (m, a) => groups.some((g) => g.every((t) => t(m, a)));
}
