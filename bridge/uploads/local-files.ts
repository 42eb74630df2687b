/**
 * Builds ToolContext.localFiles for one tool call: the upload policy from this call's hello (the
 * folders the user allowed, Graph Bridge's own folders) plus what the bridge knows itself (its home
 * folder, the broker's private dir), resolved on disk at each open; and the upload-URL sender behind
 * the call's write gate and audit.
 */
import type { AuditRecordParams, ApprovedHello } from '../../app/shared/bridge-contract.ts';
import type { Logger } from '../log.ts';
import type { HttpMethod } from '../tools/tool.ts';
import { openLocalFile, type LocalFs } from './local-file.ts';
import type { PolicyFacts, PolicyRoots } from './policy.ts';
import { localFileRefusal } from './refusal.ts';
import type { LocalFiles, UploadUrlSender } from './types.ts';

/** What the runtime provides once per process. */
export interface LocalFilesEnv {
  fs: LocalFs;
  /** The raw upload-URL sender (upload-url.ts). */
  send: UploadUrlSender;
  facts: PolicyFacts;
  homedir: string;
  /** Folders the bridge itself knows are Graph Bridge's (the broker's private dir). */
  ownFolders: readonly string[];
  log: Pick<Logger, 'info'>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** What one tool call provides. */
export interface LocalFilesCall {
  uploads: ApprovedHello['uploads'];
  tool: string;
  /** The call's write gate: throws unless approved (and not read-only). */
  gate(method: HttpMethod, what: string): void;
  audit(record: AuditRecordParams): void;
}

async function withReal(env: LocalFilesEnv, paths: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of paths) {
    if (!env.facts.path.isAbsolute(p)) continue;
    out.add(env.facts.path.normalize(p));
    const real = await env.fs.realpath(p).catch(() => null);
    if (real !== null) out.add(real);
  }
  return [...out];
}

export function createLocalFiles(env: LocalFilesEnv, call: LocalFilesCall): LocalFiles {
  const allowed = call.uploads?.allowedFolders ?? [];
  const roots = async (): Promise<PolicyRoots> => ({
    allowed: await withReal(env, allowed),
    protected: await withReal(env, [...(call.uploads?.protectedFolders ?? []), ...env.ownFolders]),
    homes: await withReal(env, [env.homedir]),
  });
  const sendToUploadUrl: UploadUrlSender = async (request) => {
    call.gate(request.method, 'an upload session');
    const started = env.now();
    let status = 0;
    try {
      const response = await env.send(request);
      status = response.status;
      return response;
    } finally {
      call.audit({
        tool: call.tool,
        method: request.method,
        pathTemplate: '{uploadUrl}',
        status,
        durationMs: Math.max(0, Math.min(3_600_000, env.now() - started)),
      });
    }
  };
  return {
    async open(path, limit) {
      return openLocalFile({
        given: path,
        roots: await roots(),
        facts: env.facts,
        fs: env.fs,
        refusal: () => localFileRefusal(allowed),
        logReason: (reason) => env.log.info(`${call.tool}: local file refused: ${reason}`),
        limit,
      });
    },
    sendToUploadUrl,
    sleep: (ms) => env.sleep(ms),
  };
}
