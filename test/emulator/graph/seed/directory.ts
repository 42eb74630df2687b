/**
 * Directory users: the Entra half's fixture users (who can sign in) plus a deterministic set of
 * colleagues (directory-only) so /users, people, attendees and chats look like a real tenant.
 */
import type { EmulatorUser } from '../../types.ts';
import type { DirectoryUser } from '../model.ts';
import { createRng } from './prng.ts';

const COLLEAGUES: readonly (readonly [string, string, string, string])[] = [
  ['Allan', 'Deyoung', 'IT Admin', 'IT'],
  ['Christie', 'Cline', 'Buyer', 'Retail'],
  ['Debra', 'Berger', 'Administrative Assistant', 'Executive Management'],
  ['Diego', 'Siciliani', 'HR Manager', 'HR'],
  ['Emily', 'Braun', 'Budget Analyst', 'Finance'],
  ['Enrico', 'Cattaneo', 'Attorney', 'Legal'],
  ['Grady', 'Archie', 'Designer', 'R&D'],
  ['Henrietta', 'Mueller', 'Developer', 'R&D'],
  ['Irvin', 'Sayers', 'Director', 'R&D'],
  ['Isaiah', 'Langer', 'Sales Rep', 'Sales'],
  ['Johanna', 'Lorenz', 'Senior Engineer', 'Engineering'],
  ['Joni', 'Sherman', 'Paralegal', 'Legal'],
  ['Lee', 'Gu', 'Director', 'Manufacturing'],
  ['Lidia', 'Holloway', 'Product Manager', 'Engineering'],
  ['Lynne', 'Robbins', 'Planner', 'Retail'],
  ['Miriam', 'Graham', 'Director', 'Sales & Marketing'],
  ['Nestor', 'Wilke', 'Director', 'Operations'],
  ['Patti', 'Fernandez', 'President', 'Executive Management'],
  ['Pradeep', 'Gupta', 'Accountant', 'Finance'],
  ['Adam', 'Baker', 'Sales Rep', 'Sales'],
  ['Bianca', 'Pisani', 'Marketing Manager', 'Marketing'],
  ['Cameron', 'White', 'Account Manager', 'Sales'],
  ['Delia', 'Dennis', 'Software Engineer', 'Engineering'],
  ['Gerhart', 'Moller', 'Controller', 'Finance'],
  ['Kat', 'Larson', 'Support Engineer', 'IT'],
  ['Lenora', 'Kessler', 'Recruiter', 'HR'],
  ['Luis', 'Ortega', 'Field Technician', 'Operations'],
  ['Mona', 'Kane', 'Data Scientist', 'R&D'],
  ['Nora', 'Fischer', 'UX Researcher', 'R&D'],
  ['Oscar', 'Ward', 'Logistics Lead', 'Operations'],
  ['Priya', 'Raman', 'Security Analyst', 'IT'],
  ['Quentin', 'Hale', 'Architect', 'Engineering'],
  ['Rosa', 'Delgado', 'Store Manager', 'Retail'],
  ['Sanjay', 'Patel', 'Procurement Lead', 'Operations'],
  ['Tara', 'Nguyen', 'Communications Lead', 'Marketing'],
  ['Uma', 'Brooks', 'Legal Counsel', 'Legal'],
  ['Victor', 'Chen', 'Sales Director', 'Sales'],
  ['Wendy', 'Ito', 'Office Manager', 'Executive Management'],
  ['Xavier', 'Lopez', 'QA Engineer', 'Engineering'],
  ['Yasmin', 'Haddad', 'Financial Analyst', 'Finance'],
];

const OFFICES = ['18/2111', '20/1101', '131/1104', '12/1110', '24/1106', '19/3123', '14/1108'];
const CITIES: readonly (readonly [string, string])[] = [
  ['Redmond', 'United States'],
  ['Seattle', 'United States'],
  ['Bellevue', 'United States'],
  ['London', 'United Kingdom'],
  ['Munich', 'Germany'],
];

export function tenantDomain(users: readonly EmulatorUser[]): string {
  const upn = users[0]?.upn ?? '';
  const at = upn.indexOf('@');
  return at > 0 ? upn.slice(at + 1) : 'contoso.onmicrosoft.com';
}

function fromFixture(u: EmulatorUser, i: number): DirectoryUser {
  const city = CITIES[i % CITIES.length] ?? CITIES[0];
  return {
    id: u.oid,
    displayName: u.displayName,
    givenName: u.givenName,
    surname: u.surname,
    mail: u.mail,
    userPrincipalName: u.upn,
    jobTitle: u.jobTitle ?? null,
    department: u.department ?? null,
    officeLocation: u.officeLocation ?? null,
    businessPhones: [`+1 425 555 01${String(10 + i).padStart(2, '0')}`],
    mobilePhone: null,
    preferredLanguage: 'en-US',
    accountEnabled: true,
    city: city?.[0] ?? null,
    country: city?.[1] ?? null,
    companyName: 'Contoso',
    usageLocation: 'US',
  };
}

/** Fixture users first (in fixture order), then colleagues; sorted later by whoever lists them. */
export function seedDirectory(fixtures: readonly EmulatorUser[]): DirectoryUser[] {
  const domain = tenantDomain(fixtures);
  const out = fixtures.map(fromFixture);
  const taken = new Set(out.map((u) => u.displayName.toLowerCase()));
  for (const [given, surname, jobTitle, department] of COLLEAGUES) {
    const displayName = `${given} ${surname}`;
    if (taken.has(displayName.toLowerCase())) continue;
    const rng = createRng(`user:${displayName}`);
    const upn = `${given.toLowerCase()}${surname.toLowerCase().slice(0, 1)}@${domain}`;
    const city = rng.pick(CITIES);
    out.push({
      id: rng.uuid(),
      displayName,
      givenName: given,
      surname,
      mail: upn,
      userPrincipalName: upn,
      jobTitle,
      department,
      officeLocation: rng.pick(OFFICES),
      businessPhones: rng.chance(0.8) ? [`+1 425 555 ${String(rng.int(1000, 9999))}`] : [],
      mobilePhone: rng.chance(0.3) ? `+1 206 555 ${String(rng.int(1000, 9999))}` : null,
      preferredLanguage: 'en-US',
      accountEnabled: true,
      city: city[0],
      country: city[1],
      companyName: 'Contoso',
      usageLocation: city[1] === 'United States' ? 'US' : city[1] === 'Germany' ? 'DE' : 'GB',
    });
  }
  return out;
}

export function recipientOf(u: DirectoryUser): { emailAddress: { name: string; address: string } } {
  return { emailAddress: { name: u.displayName, address: u.mail } };
}
