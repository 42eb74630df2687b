/**
 * OneDrive seed: a small folder tree with text (.txt .md .csv .json), a > 1 MB log file and real
 * (minimal, valid) .docx/.xlsx files. Item ids are deterministic per user.
 */
import { createHash } from 'node:crypto';
import type { DirectoryUser, DriveItem, DriveNode } from '../model.ts';
import { createRng, DAY_MS, driveItemId, isoZ, type Rng } from './prng.ts';
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

export interface SeededDrive {
  driveId: string;
  rootId: string;
  nodes: Map<string, DriveNode>;
}

export interface DriveBuilder {
  readonly drive: SeededDrive;
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

export function createDriveBuilder(me: DirectoryUser, rng: Rng, drive: SeededDrive): DriveBuilder {
  const who = { user: { displayName: me.displayName, email: me.mail } };
  const webBase = `https://contoso-my.sharepoint.com/personal/${me.userPrincipalName.replace(/[@.]/g, '_')}/Documents`;
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
      webUrl: parentId === null ? webBase : `${webBase}${parentPath}/${encodeURIComponent(name)}`,
      parentReference:
        parentId === null
          ? { driveType: 'business', driveId: drive.driveId }
          : { driveType: 'business', driveId: drive.driveId, id: parentId, path: `/drive/root:${parentPath}` },
      createdBy: who,
      lastModifiedBy: who,
      fileSystemInfo: { createdDateTime: isoZ(atMs), lastModifiedDateTime: isoZ(atMs) },
    };
    if (content) item.file = { mimeType: mimeTypeFor(name), hashes: { quickXorHash: quickHash(content) } };
    else item.folder = { childCount: 0 };
    if (parentId === null) item.root = {};
    drive.nodes.set(id, { item, parentId, ...(content ? { content } : {}) });
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

export function seedDrive(me: DirectoryUser, baseMs: number): SeededDrive {
  const rng = createRng(`drive:${me.id}`);
  const drive: SeededDrive = { driveId: `b!${rng.b64(48)}`, rootId: driveItemId(rng), nodes: new Map() };
  const b = createDriveBuilder(me, rng, drive);
  const t = (daysAgo: number): number => baseMs - daysAgo * DAY_MS;
  b.root(t(400));
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
  b.file(
    falcon,
    'Falcon budget.xlsx',
    xlsx([
      ['Item', 'Q1', 'Q2', 'Q3'],
      ['Hardware', 12000, 8000, 4000],
      ['Licences', 5000, 5000, 5000],
      ['Contractors', 20000, 25000, 10000],
    ]),
    t(15),
  );
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
