/**
 * Outlook personal contacts, read-only: `GET /me/contacts` and `GET /me/contacts/{id}` (Contacts.Read).
 * A small list derived from the directory on every request (no state): the first colleagues of the
 * caller, as a user would have saved them. `$top` (10 / 1000), `$skip`, `$select`, `$filter`,
 * `$orderby` like the other Outlook lists.
 */
import { badRequest, outlookNotFound } from '../errors.ts';
import { jsonResponse, type GraphResponse } from '../http.ts';
import type { DirectoryUser } from '../model.ts';
import { evaluateFilter, FilterSyntaxError, parseFilter } from '../odata/filter.ts';
import { applySelect, parseOrderBy, parseSelect, parseSkip, parseTop, sortBy } from '../odata/options.ts';
import { collection, skipPage } from '../odata/paging.ts';
import { meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { createRng, isoZ, outlookId } from '../seed/prng.ts';

const CONTACT_TYPE = 'microsoft.graph.contact';
const CONTACTS_PER_USER = 8;

export interface Contact {
  '@odata.etag': string;
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  parentFolderId: string;
  displayName: string;
  givenName: string;
  surname: string;
  fileAs: string;
  jobTitle: string | null;
  companyName: string | null;
  department: string | null;
  officeLocation: string | null;
  businessPhones: string[];
  mobilePhone: string | null;
  homePhones: string[];
  imAddresses: string[];
  emailAddresses: { name: string; address: string }[];
  personalNotes: string;
}

/** The caller's contacts: deterministic per user and seed date. */
export function contactsOf(me: DirectoryUser, directory: readonly DirectoryUser[], baseMs: number): Contact[] {
  const rng = createRng(`contacts:${me.id}:${baseMs}`);
  const folderId = outlookId(rng);
  return directory
    .filter((u) => u.id !== me.id)
    .slice(0, CONTACTS_PER_USER)
    .map((u, i) => {
      const changeKey = rng.b64(12);
      const created = isoZ(baseMs - (30 + i) * 86_400_000);
      return {
        '@odata.etag': `W/"${changeKey}"`,
        id: outlookId(rng),
        createdDateTime: created,
        lastModifiedDateTime: created,
        changeKey,
        categories: [],
        parentFolderId: folderId,
        displayName: u.displayName,
        givenName: u.givenName,
        surname: u.surname,
        fileAs: `${u.surname}, ${u.givenName}`,
        jobTitle: u.jobTitle,
        companyName: u.companyName,
        department: u.department,
        officeLocation: u.officeLocation,
        businessPhones: u.businessPhones,
        mobilePhone: u.mobilePhone,
        homePhones: [],
        imAddresses: [`sip:${u.userPrincipalName}`],
        emailAddresses: [{ name: u.displayName, address: u.mail }],
        personalNotes: '',
      };
    });
}

function contacts(ctx: RouteContext): Contact[] {
  return contactsOf(ctx.me, ctx.store.directory(), ctx.store.baseMs());
}

function selectOf(ctx: RouteContext): string[] | undefined {
  return parseSelect(ctx.req.query, { typeName: CONTACT_TYPE, code: 'RequestBroker--ParseUri' });
}

function listContacts(ctx: RouteContext): GraphResponse {
  const q = ctx.req.query;
  const top = parseTop(q, { def: 10, max: 1000 });
  const select = selectOf(ctx);
  let all = contacts(ctx);
  const rawFilter = q.get('$filter');
  if (rawFilter !== undefined) {
    let expr;
    try {
      expr = parseFilter(rawFilter);
    } catch (e) {
      if (e instanceof FilterSyntaxError) throw badRequest('BadRequest', 'Invalid filter clause');
      throw e;
    }
    all = all.filter((c) => evaluateFilter(expr, c));
  }
  all = sortBy(all, [...(parseOrderBy(q) ?? []), { path: ['displayName'], desc: false }]);
  const page = skipPage(all, { req: ctx.req, base: ctx.base, skip: parseSkip(q), top });
  const context = meContext(ctx, select ? `contacts(${select.join(',')})` : 'contacts');
  return jsonResponse(200, collection(context, { ...page, items: page.items.map((c) => applySelect(c, select)) }));
}

function getContact(ctx: RouteContext): GraphResponse {
  const c = contacts(ctx).find((x) => x.id === ctx.params[0]);
  if (!c) throw outlookNotFound();
  const select = selectOf(ctx);
  return jsonResponse(200, { '@odata.context': meContext(ctx, 'contacts/$entity'), ...applySelect(c, select) });
}

export const contactRoutes: Route[] = [
  { method: 'GET', pattern: /^\/me\/contacts\/?$/, scope: SCOPES.contactsRead, handler: listContacts },
  { method: 'GET', pattern: /^\/me\/contacts\/([^/]+)\/?$/, scope: SCOPES.contactsRead, handler: getContact },
];
