/** People ranking seed: every other directory user, ordered by a deterministic relevance score. */
import type { DirectoryUser, Person } from '../model.ts';
import { createRng } from './prng.ts';

export function personOf(u: DirectoryUser, score: number): Person {
  return {
    id: u.id,
    displayName: u.displayName,
    givenName: u.givenName,
    surname: u.surname,
    birthday: '',
    personNotes: '',
    isFavorite: false,
    jobTitle: u.jobTitle,
    companyName: u.companyName,
    yomiCompany: '',
    department: u.department,
    officeLocation: u.officeLocation,
    profession: '',
    userPrincipalName: u.userPrincipalName,
    imAddress: `sip:${u.userPrincipalName}`,
    scoredEmailAddresses: [{ address: u.mail, relevanceScore: score, selectionLikelihood: 'notSpecified' }],
    phones: u.businessPhones.map((number) => ({ type: 'business', number })),
    personType: { class: 'Person', subclass: 'OrganizationUser' },
  };
}

export function seedPeople(
  me: DirectoryUser,
  directory: readonly DirectoryUser[],
  fixtureIds: readonly string[],
): Person[] {
  const rng = createRng(`people:${me.id}`);
  return directory
    .filter((u) => u.id !== me.id)
    .map((u) => personOf(u, Math.round((fixtureIds.includes(u.id) ? 20 : 0) + rng.next() * 10 * 10) / 10))
    .sort(
      (a, b) => (b.scoredEmailAddresses[0]?.relevanceScore ?? 0) - (a.scoredEmailAddresses[0]?.relevanceScore ?? 0),
    );
}
