/**
 * Mail group (issue #12): reading (mail/read.ts), attachments both ways (mail/attachments.ts),
 * composing (mail/compose.ts) and triage (mail/triage.ts); mail/shared.ts has the mailbox (own or
 * shared) and the common shapes. Every write asks the user through ctx.approve first.
 */
import type { ToolDefinition } from './tool.ts';
import { attachmentTools } from './mail/attachments.ts';
import { composeTools } from './mail/compose.ts';
import { readTools } from './mail/read.ts';
import { triageTools } from './mail/triage.ts';

export { saveAttachments } from './mail/attachments.ts';
export { composeDetails, createDraft, replyToMessage, sendMail, updateDraft } from './mail/compose.ts';
export { getMessage, listMailFolders, listMessages, searchMessages } from './mail/read.ts';
export { formatAddress, messageLine } from './mail/shared.ts';
export { createMailFolder, updateMessages } from './mail/triage.ts';

export const mailTools: readonly ToolDefinition[] = [...readTools, ...attachmentTools, ...composeTools, ...triageTools];
