/**
 * Outlook contacts per user: the default "Contacts" folder holds the first 8 colleagues of the
 * caller, as a user would have saved them; a "Suppliers" child folder holds two external contacts.
 * Deterministic per user and seed date.
 */
import type { Contact, ContactFolder, DirectoryUser } from '../model.ts';
import { createRng, isoZ, outlookId, type Rng } from './prng.ts';

const CONTACTS_PER_USER = 8;

const SUPPLIERS: readonly (readonly [string, string, string, string, string])[] = [
  ['Lena', 'Hoffmann', 'Fabrikam', 'Account Manager', 'lena.hoffmann@fabrikam.example'],
  ['Raj', 'Mehta', 'Tailspin Toys', 'Sales Lead', 'raj@tailspintoys.example'],
];

export interface ContactFields {
  givenName: string;
  surname: string;
  displayName?: string;
  emailAddresses: { name: string; address: string }[];
  companyName?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  officeLocation?: string | null;
  businessPhones?: string[];
  mobilePhone?: string | null;
  imAddresses?: string[];
  personalNotes?: string;
}

/** A contact with Outlook's bookkeeping fields; `fileAs` as Outlook derives it ("Surname, Given"). */
export function newContact(rng: Rng, folderId: string, fields: ContactFields, atMs: number): Contact {
  const changeKey = rng.b64(12);
  const created = isoZ(atMs);
  const displayName = fields.displayName ?? [fields.givenName, fields.surname].filter(Boolean).join(' ');
  return {
    '@odata.etag': `W/"${changeKey}"`,
    id: outlookId(rng),
    createdDateTime: created,
    lastModifiedDateTime: created,
    changeKey,
    categories: [],
    parentFolderId: folderId,
    displayName,
    givenName: fields.givenName,
    surname: fields.surname,
    fileAs: fields.surname && fields.givenName ? `${fields.surname}, ${fields.givenName}` : displayName,
    jobTitle: fields.jobTitle ?? null,
    companyName: fields.companyName ?? null,
    department: fields.department ?? null,
    officeLocation: fields.officeLocation ?? null,
    businessPhones: fields.businessPhones ?? [],
    mobilePhone: fields.mobilePhone ?? null,
    homePhones: [],
    imAddresses: fields.imAddresses ?? [],
    emailAddresses: fields.emailAddresses,
    personalNotes: fields.personalNotes ?? '',
  };
}

export function seedContacts(
  me: DirectoryUser,
  directory: readonly DirectoryUser[],
  baseMs: number,
): { contacts: Contact[]; folders: ContactFolder[] } {
  const rng = createRng(`contacts:${me.id}:${baseMs}`);
  const root: ContactFolder = { id: outlookId(rng), displayName: 'Contacts', parentFolderId: outlookId(rng) };
  const suppliers: ContactFolder = { id: outlookId(rng), displayName: 'Suppliers', parentFolderId: root.id };
  const contacts = directory
    .filter((u) => u.id !== me.id)
    .slice(0, CONTACTS_PER_USER)
    .map((u, i) =>
      newContact(
        rng,
        root.id,
        {
          givenName: u.givenName,
          surname: u.surname,
          displayName: u.displayName,
          emailAddresses: [{ name: u.displayName, address: u.mail }],
          companyName: u.companyName,
          jobTitle: u.jobTitle,
          department: u.department,
          officeLocation: u.officeLocation,
          businessPhones: u.businessPhones,
          mobilePhone: u.mobilePhone,
          imAddresses: [`sip:${u.userPrincipalName}`],
        },
        baseMs - (30 + i) * 86_400_000,
      ),
    );
  for (const [givenName, surname, companyName, jobTitle, address] of SUPPLIERS) {
    contacts.push(
      newContact(
        rng,
        suppliers.id,
        {
          givenName,
          surname,
          emailAddresses: [{ name: `${givenName} ${surname}`, address }],
          companyName,
          jobTitle,
          businessPhones: [`+49 89 555 ${String(rng.int(1000, 9999))}`],
        },
        baseMs - 60 * 86_400_000,
      ),
    );
  }
  return { contacts, folders: [root, suppliers] };
}
