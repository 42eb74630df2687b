/**
 * Shared mailboxes: mail-only accounts that are not listed in the directory seed (so every other
 * seed stays as it was) but have a mailbox of their own, addressed as `/users/{id|address}/…`.
 * Every fixture user (who can sign in) has full access to "Contoso Support"; a colleague's own
 * mailbox is never shared with anyone, so `/users/<colleague>/messages` is 403 ErrorAccessDenied.
 */
import type { DirectoryUser } from '../model.ts';
import { createRng } from './prng.ts';

export interface SharedMailbox {
  owner: DirectoryUser;
  /** Directory ids of the users with full access. */
  delegateIds: readonly string[];
}

function domainOf(directory: readonly DirectoryUser[]): string {
  const upn = directory[0]?.userPrincipalName ?? '';
  const at = upn.indexOf('@');
  return at > 0 ? upn.slice(at + 1) : 'contoso.onmicrosoft.com';
}

export function sharedMailboxes(directory: readonly DirectoryUser[], fixtureIds: readonly string[]): SharedMailbox[] {
  const rng = createRng('shared-mailbox:support');
  const address = `support@${domainOf(directory)}`;
  const owner: DirectoryUser = {
    id: rng.uuid(),
    displayName: 'Contoso Support',
    givenName: 'Contoso',
    surname: 'Support',
    mail: address,
    userPrincipalName: address,
    jobTitle: null,
    department: 'Support',
    officeLocation: null,
    businessPhones: [],
    mobilePhone: null,
    preferredLanguage: 'en-US',
    accountEnabled: false,
    city: null,
    country: null,
    companyName: 'Contoso',
    usageLocation: 'US',
  };
  return [{ owner, delegateIds: [...fixtureIds] }];
}

/** The shared mailbox whose id, UPN or address is `key` (case-insensitive). */
export function findSharedMailbox(
  directory: readonly DirectoryUser[],
  fixtureIds: readonly string[],
  key: string,
): SharedMailbox | undefined {
  const k = key.toLowerCase();
  return sharedMailboxes(directory, fixtureIds).find((s) =>
    [s.owner.id, s.owner.userPrincipalName, s.owner.mail].some((v) => v.toLowerCase() === k),
  );
}
