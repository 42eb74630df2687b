/**
 * SharePoint seed (tenant-wide): three sites, each with document libraries (drives built with the
 * OneDrive builder) and lists. Marketing's "Documents" library holds an .xlsx with a workbook model,
 * and its "Campaign tasks" list has typed columns (text, choice, number, dateTime) and items.
 */
import type { CellValue, DirectoryUser, ListColumn, SiteList, SiteListItem, SiteState } from '../model.ts';
import { newDrive } from './drive.ts';
import { createRng, DAY_MS, isoZ, type Rng } from './prng.ts';
import { attachWorkbook, campaignWorkbook } from './workbook.ts';
import { docx, xlsx } from './zip.ts';

export const SHAREPOINT_HOST = 'contoso.sharepoint.com';

interface Author {
  displayName: string;
  email: string;
}

function column(rng: Rng, c: Omit<ListColumn, 'id' | 'required' | 'readOnly' | 'hidden'> & Partial<ListColumn>) {
  return { id: rng.uuid(), required: false, readOnly: false, hidden: false, ...c };
}

/** Columns every list has: Title plus the read-only and hidden ones SharePoint adds. */
function baseColumns(rng: Rng): ListColumn[] {
  return [
    column(rng, { name: 'Title', displayName: 'Title', type: 'text', required: true }),
    column(rng, { name: 'ID', displayName: 'ID', type: 'number', readOnly: true }),
    column(rng, { name: 'Created', displayName: 'Created', type: 'dateTime', readOnly: true }),
    column(rng, { name: 'Modified', displayName: 'Modified', type: 'dateTime', readOnly: true }),
    column(rng, { name: 'Attachments', displayName: 'Attachments', type: 'boolean', readOnly: true }),
    column(rng, {
      name: 'ComplianceAssetId',
      displayName: 'Compliance Asset Id',
      type: 'text',
      readOnly: true,
      hidden: true,
    }),
  ];
}

/** The system fields SharePoint returns with every list item's `fields`, next to the user's columns. */
export function systemFields(id: number, atIso: string, title: unknown): Record<string, unknown> {
  return {
    id: String(id),
    ContentType: 'Item',
    Modified: atIso,
    Created: atIso,
    AuthorLookupId: '6',
    EditorLookupId: '6',
    _UIVersionString: '1.0',
    Attachments: false,
    Edit: '',
    LinkTitleNoMenu: title,
    LinkTitle: title,
    ItemChildCount: '0',
    FolderChildCount: '0',
    _ComplianceFlags: '',
    _ComplianceTag: '',
    _ComplianceTagWrittenTime: '',
    _ComplianceTagUserId: '',
  };
}

export function listItem(
  rng: Rng,
  list: SiteList,
  who: Author,
  at: { ms: number; fields: Record<string, unknown> },
): SiteListItem {
  const id = list.nextItemId++;
  const iso = isoZ(at.ms);
  const etag = `"${rng.uuid()},1"`;
  const by = { user: { displayName: who.displayName, email: who.email } };
  return {
    id: String(id),
    createdDateTime: iso,
    lastModifiedDateTime: iso,
    eTag: etag,
    webUrl: `${list.webUrl}/DispForm.aspx?ID=${id}`,
    createdBy: by,
    lastModifiedBy: by,
    fields: { '@odata.etag': etag, ...at.fields, ...systemFields(id, iso, at.fields.Title ?? '') },
  };
}

function genericList(
  rng: Rng,
  site: { webUrl: string },
  shape: { name: string; displayName: string; description: string; atMs: number; columns: ListColumn[] },
): SiteList {
  return {
    id: rng.uuid(),
    name: shape.name,
    displayName: shape.displayName,
    description: shape.description,
    webUrl: `${site.webUrl}/Lists/${encodeURIComponent(shape.name)}`,
    createdDateTime: isoZ(shape.atMs),
    lastModifiedDateTime: isoZ(shape.atMs),
    template: 'genericList',
    hidden: false,
    columns: [...baseColumns(rng), ...shape.columns],
    items: [],
    nextItemId: 1,
  };
}

interface SiteSeed {
  name: string;
  displayName: string;
  description: string;
}

function newSite(rng: Rng, seed: SiteSeed, atMs: number): SiteState {
  const webUrl = `https://${SHAREPOINT_HOST}/sites/${seed.name}`;
  return {
    site: {
      id: `${SHAREPOINT_HOST},${rng.uuid()},${rng.uuid()}`,
      name: seed.name,
      displayName: seed.displayName,
      description: seed.description,
      webUrl,
      createdDateTime: isoZ(atMs),
      lastModifiedDateTime: isoZ(atMs),
      siteCollection: { hostname: SHAREPOINT_HOST },
    },
    drives: [],
    lists: [],
  };
}

/** Adds a document library (a drive and its list) to `state`; returns the drive's builder. */
function addLibrary(
  rng: Rng,
  state: SiteState,
  shape: { name: string; urlName: string; atMs: number; author: Author },
) {
  const b = newDrive(rng, {
    driveType: 'documentLibrary',
    name: shape.name,
    description: '',
    webUrl: `${state.site.webUrl}/${encodeURIComponent(shape.urlName)}`,
    owner: { kind: 'site', siteId: state.site.id },
    ownerName: state.site.displayName,
    atMs: shape.atMs,
    author: shape.author,
  });
  state.drives.push(b.drive);
  state.lists.push({
    id: rng.uuid(),
    name: shape.urlName,
    displayName: shape.name,
    description: '',
    webUrl: b.drive.webUrl,
    createdDateTime: isoZ(shape.atMs),
    lastModifiedDateTime: isoZ(shape.atMs),
    template: 'documentLibrary',
    hidden: false,
    driveId: b.drive.id,
    columns: baseColumns(rng),
    items: [],
    nextItemId: 1,
  });
  return b;
}

function marketing(rng: Rng, author: Author, baseMs: number): SiteState {
  const t = (d: number): number => baseMs - d * DAY_MS;
  const state = newSite(
    rng,
    { name: 'Marketing', displayName: 'Contoso Marketing', description: 'Campaigns, brand and events' },
    t(500),
  );
  const docs = addLibrary(rng, state, { name: 'Documents', urlName: 'Shared Documents', atMs: t(500), author });
  const campaigns = docs.folder(docs.drive.rootId, 'Campaigns', t(100));
  docs.file(
    campaigns,
    'Spring launch plan.md',
    Buffer.from('# Spring launch\n\n- Kick-off: week 12\n- Channels: social, email, in-store\n- Owner: Megan Bowen\n'),
    t(12),
  );
  const rows: CellValue[][] = [
    ['Channel', 'Budget', 'Spent', 'Owner'],
    ['Social', 30000, 12500, 'Megan Bowen'],
    ['Email', 8000, 2100, 'Alex Wilber'],
    ['In-store', 45000, 30000, 'Patti Fernandez'],
  ];
  const budget = docs.file(campaigns, 'Campaign budget.xlsx', xlsx(rows as (string | number)[][]), t(8));
  attachWorkbook(docs.drive, budget, campaignWorkbook(rng, rows));
  docs.file(campaigns, 'Press release draft.docx', docx(['Contoso launches spring collection']), t(6));
  const assets = addLibrary(rng, state, { name: 'Brand Assets', urlName: 'Brand Assets', atMs: t(400), author });
  assets.file(
    assets.drive.rootId,
    'Logo guidelines.txt',
    Buffer.from('Use the blue logo on light backgrounds.\n'),
    t(90),
  );

  const tasks = genericList(rng, state.site, {
    name: 'Campaign tasks',
    displayName: 'Campaign tasks',
    description: 'Work items of the spring campaign',
    atMs: t(60),
    columns: [
      column(rng, {
        name: 'Status',
        displayName: 'Status',
        type: 'choice',
        choices: ['Not started', 'In progress', 'Done'],
      }),
      column(rng, { name: 'Owner', displayName: 'Owner', type: 'text' }),
      column(rng, { name: 'DueDate', displayName: 'Due date', type: 'dateTime' }),
      column(rng, { name: 'Budget', displayName: 'Budget', type: 'number' }),
    ],
  });
  const seedItems: Record<string, unknown>[] = [
    {
      Title: 'Book influencers',
      Status: 'In progress',
      Owner: 'Megan Bowen',
      DueDate: isoZ(baseMs + 7 * DAY_MS),
      Budget: 5000,
    },
    {
      Title: 'Email newsletter',
      Status: 'Not started',
      Owner: 'Alex Wilber',
      DueDate: isoZ(baseMs + 14 * DAY_MS),
      Budget: 800,
    },
    {
      Title: 'Store posters',
      Status: 'Done',
      Owner: 'Patti Fernandez',
      DueDate: isoZ(baseMs - 2 * DAY_MS),
      Budget: 2500,
    },
  ];
  seedItems.forEach((fields, i) => tasks.items.push(listItem(rng, tasks, author, { ms: t(20 - i), fields })));
  state.lists.push(tasks);
  return state;
}

function falcon(rng: Rng, author: Author, baseMs: number): SiteState {
  const t = (d: number): number => baseMs - d * DAY_MS;
  const state = newSite(
    rng,
    { name: 'Falcon', displayName: 'Project Falcon', description: 'Retail app rollout team site' },
    t(200),
  );
  const docs = addLibrary(rng, state, { name: 'Documents', urlName: 'Shared Documents', atMs: t(200), author });
  docs.file(
    docs.drive.rootId,
    'Risk register.md',
    Buffer.from('# Risks\n\n1. Vendor estimate pending\n2. Store Wi-Fi coverage\n'),
    t(9),
  );
  const risks = genericList(rng, state.site, {
    name: 'Risks',
    displayName: 'Risks',
    description: 'Project risks',
    atMs: t(100),
    columns: [
      column(rng, { name: 'Severity', displayName: 'Severity', type: 'choice', choices: ['High', 'Medium', 'Low'] }),
      column(rng, { name: 'Mitigation', displayName: 'Mitigation', type: 'text' }),
    ],
  });
  risks.items.push(
    listItem(rng, risks, author, {
      ms: t(30),
      fields: { Title: 'Vendor estimate late', Severity: 'High', Mitigation: 'Second quote from Northwind' },
    }),
  );
  state.lists.push(risks);
  return state;
}

function hr(rng: Rng, author: Author, baseMs: number): SiteState {
  const t = (d: number): number => baseMs - d * DAY_MS;
  const state = newSite(
    rng,
    { name: 'HR', displayName: 'Human Resources', description: 'Policies, benefits and holidays' },
    t(800),
  );
  const docs = addLibrary(rng, state, { name: 'Documents', urlName: 'Shared Documents', atMs: t(800), author });
  docs.file(docs.drive.rootId, 'Holiday calendar.md', Buffer.from('# Holidays\n\n- New Year\n- Midsummer\n'), t(40));
  return state;
}

/** The tenant's sites; authored by the first directory user. */
export function seedSites(directory: readonly DirectoryUser[], baseMs: number): SiteState[] {
  const rng = createRng('sites');
  const first = directory[0];
  const author = { displayName: first?.displayName ?? 'Admin', email: first?.mail ?? 'admin@contoso.com' };
  return [marketing(rng, author, baseMs), falcon(rng, author, baseMs), hr(rng, author, baseMs)];
}
