/**
 * The production LocalFiles (createLocalFiles over node:fs in a temp dir) for unit tests, with the
 * network edge — the upload-URL sender — replaced by a recorder that answers like Graph's upload URL.
 */
import type { AuditRecordParams } from '../../../../app/shared/bridge-contract.ts';
import { createLocalFiles, type LocalFilesEnv } from '../../../../bridge/uploads/local-files.ts';
import { nodeLocalFs, policyFactsFor } from '../../../../bridge/uploads/node-fs.ts';
import type { LocalFiles, UploadUrlRequest, UploadUrlResponse } from '../../../../bridge/uploads/types.ts';

/** A size limit that never bites in these tests. */
export const LIMIT = { maxBytes: 2 ** 40, what: 'this test' };

export interface LocalFilesFixture {
  files: LocalFiles;
  sent: UploadUrlRequest[];
  /** Copies of the bytes of each PUT (the sender's buffer is reused). */
  bodies: Buffer[];
  audits: AuditRecordParams[];
  logs: string[];
  sleeps: number[];
}

/** Answers PUTs like an upload URL: 202 with the next range, 201 with an item after the last byte. */
export function graphLikeUploadUrl(req: UploadUrlRequest): UploadUrlResponse {
  if (req.method === 'DELETE') return { status: 204, headers: {}, body: undefined };
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.contentRange ?? '');
  if (!m) return { status: 400, headers: {}, body: { error: { code: 'invalidRequest', message: 'no range' } } };
  const [end, total] = [Number(m[2]), Number(m[3])];
  return end + 1 === total
    ? { status: 201, headers: {}, body: { id: 'up-1', name: 'big.bin', size: total } }
    : { status: 202, headers: {}, body: { nextExpectedRanges: [`${end + 1}-`] } };
}

export function localFilesFixture(options: {
  allowed: string[];
  homedir: string;
  protectedFolders?: string[];
  ownFolders?: string[];
  respond?: (req: UploadUrlRequest) => UploadUrlResponse | Promise<UploadUrlResponse>;
  gate?: (method: string, what: string) => void;
  fs?: LocalFilesEnv['fs'];
}): LocalFilesFixture {
  const fixture: Omit<LocalFilesFixture, 'files'> = { sent: [], bodies: [], audits: [], logs: [], sleeps: [] };
  const env: LocalFilesEnv = {
    fs: options.fs ?? nodeLocalFs(),
    send: async (req) => {
      fixture.sent.push(req);
      fixture.bodies.push(Buffer.from(req.body ?? new Uint8Array(0)));
      return (options.respond ?? graphLikeUploadUrl)(req);
    },
    facts: policyFactsFor('linux'),
    homedir: options.homedir,
    ownFolders: options.ownFolders ?? [],
    log: { info: (m) => fixture.logs.push(m) },
    sleep: (ms) => {
      fixture.sleeps.push(ms);
      return Promise.resolve();
    },
    now: () => 0,
  };
  const files = createLocalFiles(env, {
    uploads: { allowedFolders: options.allowed, protectedFolders: options.protectedFolders ?? [] },
    tool: 'upload_file',
    gate: options.gate ?? (() => undefined),
    audit: (r) => fixture.audits.push(r),
  });
  return { ...fixture, files };
}
