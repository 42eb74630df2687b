/**
 * Inbox rules (`GET /me/mailFolders/inbox/messageRules`), derived from the mailbox's folders: read
 * only in the emulator (no rule is created or run), so they need no state of their own.
 */
import type { MailFolder } from '../model.ts';

export interface SeededRule {
  id: string;
  displayName: string;
  sequence: number;
  isEnabled: boolean;
  hasError: boolean;
  isReadOnly: boolean;
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>;
  exceptions?: Record<string, unknown>;
}

export function seedMessageRules(folders: readonly MailFolder[]): SeededRule[] {
  const id = (name: string): string => folders.find((f) => f.wellKnownName === name)?.id ?? '';
  return [
    {
      id: 'AQAAAJ5dZqA=',
      displayName: 'Newsletters to Archive',
      sequence: 1,
      isEnabled: true,
      hasError: false,
      isReadOnly: false,
      conditions: { senderContains: ['news@litware.example'] },
      actions: { moveToFolder: id('archive'), markAsRead: true, stopProcessingRules: true },
    },
    {
      id: 'AQAAAJ5dZqE=',
      displayName: 'Flag escalations',
      sequence: 2,
      isEnabled: true,
      hasError: false,
      isReadOnly: false,
      conditions: { subjectContains: ['escalation'] },
      actions: { markImportance: 'high', assignCategories: ['Red category'] },
      exceptions: {
        fromAddresses: [{ emailAddress: { name: 'Fabrikam Travel', address: 'noreply@fabrikam-travel.example' } }],
      },
    },
    {
      id: 'AQAAAJ5dZqI=',
      displayName: 'Travel receipts',
      sequence: 3,
      isEnabled: false,
      hasError: false,
      isReadOnly: false,
      conditions: {
        fromAddresses: [{ emailAddress: { name: 'Fabrikam Travel', address: 'noreply@fabrikam-travel.example' } }],
      },
      actions: { copyToFolder: id('archive') },
    },
  ];
}
