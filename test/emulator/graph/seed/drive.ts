/**
 * OneDrive seed: a small folder tree with text (.txt .md .csv .json), a > 1 MB log file and real
 * (minimal, valid) .docx/.xlsx files — the budget workbook also carries a JSON workbook model the
 * workbook routes serve. Item ids are deterministic per user. The drive builder is shared with the
 * SharePoint document libraries (seed/sites.ts).
 */
import { createHash } from 'node:crypto';
import type { DirectoryUser, DriveItem, DriveNode, DriveState } from '../model.ts';
import { createRng, DAY_MS, driveItemId, isoZ, type Rng } from './prng.ts';
import { attachWorkbook, falconWorkbook } from './workbook.ts';
import { docx, xlsx } from './zip.ts';

const MIME: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  log: 'text/plain',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  png: 'image/png',
};

export function mimeTypeFor(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return MIME[ext] ?? 'application/octet-stream';
}

export function quickHash(content: Buffer): string {
  return createHash('sha1').update(content).digest('base64').slice(0, 27) + '=';
}

export interface DriveBuilder {
  readonly drive: DriveState;
  root(atMs: number): string;
  folder(parentId: string, name: string, atMs: number): string;
  file(parentId: string, name: string, content: Buffer, atMs: number): string;
}

/** Path of a node below root, e.g. `/Documents/Reports` ('' for root). */
export function pathOf(nodes: ReadonlyMap<string, DriveNode>, id: string): string {
  const parts: string[] = [];
  let cur = nodes.get(id);
  while (cur && cur.parentId !== null) {
    parts.unshift(cur.item.name);
    cur = nodes.get(cur.parentId);
  }
  return parts.length ? `/${parts.join('/')}` : '';
}

/** The web URL of a node: the drive's root URL plus the node's path, segment-encoded. */
export function webUrlOf(drive: DriveState, id: string): string {
  const path = pathOf(drive.nodes, id);
  return path === '' ? drive.webUrl : `${drive.webUrl}${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** Adds items to `drive`; `who` is the author shown in createdBy/lastModifiedBy. */
export function createDriveBuilder(
  who: { displayName: string; email: string },
  rng: Rng,
  drive: DriveState,
): DriveBuilder {
  const by = { user: { displayName: who.displayName, email: who.email } };
  const add = (parentId: string | null, name: string, atMs: number, content?: Buffer): string => {
    const id = parentId === null ? drive.rootId : driveItemId(rng);
    const parentPath = parentId === null ? '' : pathOf(drive.nodes, parentId);
    const item: DriveItem = {
      id,
      name: parentId === null ? 'root' : name,
      size: content?.length ?? 0,
      createdDateTime: isoZ(atMs),
      lastModifiedDateTime: isoZ(atMs),
      eTag: `"{${rng.uuid().toUpperCase()}},1"`,
      cTag: `"c:{${rng.uuid().toUpperCase()}},1"`,
      webUrl: '',
      parentReference:
        parentId === null
          ? { driveType: drive.driveType, driveId: drive.id }
          : { driveType: drive.driveType, driveId: drive.id, id: parentId, path: `/drive/root:${parentPath}` },
      createdBy: by,
      lastModifiedBy: by,
      fileSystemInfo: { createdDateTime: isoZ(atMs), lastModifiedDateTime: isoZ(atMs) },
    };
    if (content) item.file = { mimeType: mimeTypeFor(name), hashes: { quickXorHash: quickHash(content) } };
    else item.folder = { childCount: 0 };
    if (parentId === null) item.root = {};
    drive.nodes.set(id, { item, parentId, ...(content ? { content } : {}) });
    item.webUrl = webUrlOf(drive, id);
    if (parentId !== null) {
      const parent = drive.nodes.get(parentId);
      if (parent?.item.folder) parent.item.folder.childCount += 1;
    }
    return id;
  };
  return {
    drive,
    root: (atMs) => add(null, 'root', atMs),
    folder: (parentId, name, atMs) => add(parentId, name, atMs),
    file: (parentId, name, content, atMs) => add(parentId, name, atMs, content),
  };
}

/** An empty drive (root folder only). */
export function newDrive(
  rng: Rng,
  shape: Pick<DriveState, 'driveType' | 'name' | 'description' | 'webUrl' | 'owner' | 'ownerName'> & {
    atMs: number;
    author: { displayName: string; email: string };
  },
): DriveBuilder {
  const drive: DriveState = {
    id: `b!${rng.b64(48)}`,
    rootId: driveItemId(rng),
    nodes: new Map(),
    driveType: shape.driveType,
    name: shape.name,
    description: shape.description,
    createdDateTime: isoZ(shape.atMs),
    webUrl: shape.webUrl,
    owner: shape.owner,
    ownerName: shape.ownerName,
  };
  const b = createDriveBuilder(shape.author, rng, drive);
  b.root(shape.atMs);
  return b;
}

function bigLog(rng: Rng, baseMs: number): Buffer {
  const lines: string[] = [];
  const levels = ['INFO', 'INFO', 'INFO', 'WARN', 'DEBUG', 'ERROR'];
  const msgs = [
    'order synced',
    'inventory refreshed',
    'cache miss for store',
    'retrying upstream call',
    'report generated',
  ];
  let size = 0;
  for (let i = 0; size < 1_300_000; i++) {
    const line = `${isoZ(baseMs - 7 * DAY_MS + i * 1000)} ${rng.pick(levels)} [retail-sync] ${rng.pick(msgs)} id=${i} store=${rng.int(100, 999)}`;
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(lines.join('\n') + '\n');
}

export function seedDrive(me: DirectoryUser, baseMs: number): DriveState {
  const rng = createRng(`drive:${me.id}`);
  const t = (daysAgo: number): number => baseMs - daysAgo * DAY_MS;
  const b = newDrive(rng, {
    driveType: 'business',
    name: 'OneDrive',
    description: '',
    webUrl: `https://contoso-my.sharepoint.com/personal/${me.userPrincipalName.replace(/[@.]/g, '_')}/Documents`,
    owner: { kind: 'user', oid: me.id },
    ownerName: me.displayName,
    atMs: t(400),
    author: { displayName: me.displayName, email: me.mail },
  });
  const { drive } = b;
  const docs = b.folder(drive.rootId, 'Documents', t(300));
  const falcon = b.folder(docs, 'Project Falcon', t(120));
  const reports = b.folder(docs, 'Reports', t(90));
  const notes = b.folder(drive.rootId, 'Notes', t(60));
  b.folder(drive.rootId, 'Pictures', t(200));
  const logs = b.folder(drive.rootId, 'Logs', t(10));

  b.file(
    drive.rootId,
    'README.md',
    Buffer.from(
      `# ${me.givenName}'s OneDrive\n\n- Documents/Project Falcon: plan, budget, requirements\n- Documents/Reports: quarterly sales\n- Notes: meeting notes\n`,
    ),
    t(250),
  );
  b.file(
    falcon,
    'Falcon plan.docx',
    docx([
      'Project Falcon — plan',
      'Goal: launch the Contoso retail app in 12 stores by the end of the quarter.',
      'Milestones: pilot in Redmond, rollout to Seattle and Bellevue, review with Patti Fernandez.',
      'Risks: vendor estimate pending; budget tight.',
    ]),
    t(20),
  );
  const budgetRows = [
    ['Item', 'Q1', 'Q2', 'Q3'],
    ['Hardware', 12000, 8000, 4000],
    ['Licences', 5000, 5000, 5000],
    ['Contractors', 20000, 25000, 10000],
  ];
  const budget = b.file(falcon, 'Falcon budget.xlsx', xlsx(budgetRows), t(15));
  // Its own random sequence, so the model does not shift the ids and data seeded after it.
  attachWorkbook(drive, budget, falconWorkbook(createRng(`workbook:${me.id}`), budgetRows));
  b.file(
    falcon,
    'requirements.txt',
    Buffer.from(
      'Falcon requirements\n1. Offline mode for store tablets\n2. Sign in with Entra ID\n3. Sync inventory every 15 minutes\n',
    ),
    t(30),
  );
  b.file(
    falcon,
    'notes.md',
    Buffer.from('## Falcon notes\n\n* Pilot store: Redmond #112\n* Owner: ' + me.displayName + '\n'),
    t(5),
  );
  const salesRows = (q: number): string =>
    [
      'region,month,revenue,units',
      ...['North', 'South', 'East', 'West'].flatMap((r) =>
        [1, 2, 3].map((m) => `${r},${(q - 1) * 3 + m},${rng.int(20_000, 90_000)},${rng.int(100, 900)}`),
      ),
    ].join('\n') + '\n';
  b.file(reports, 'Q1 sales.csv', Buffer.from(salesRows(1)), t(80));
  b.file(reports, 'Q2 sales.csv', Buffer.from(salesRows(2)), t(40));
  b.file(
    reports,
    'summary.json',
    Buffer.from(
      JSON.stringify({ owner: me.userPrincipalName, quarters: ['Q1', 'Q2'], currency: 'USD', stores: 12 }, null, 2) +
        '\n',
    ),
    t(39),
  );
  b.file(
    notes,
    'meeting-notes.md',
    Buffer.from('# Weekly sync\n\n- Budget review moved to Thursday\n- Security review: done\n'),
    t(3),
  );
  b.file(notes, 'todo.txt', Buffer.from('- call Northwind\n- send Q2 summary\n- book offsite venue\n'), t(2));
  b.file(logs, 'retail-sync.log', bigLog(rng, baseMs), t(1));
  return drive;
}
