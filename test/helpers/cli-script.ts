/**
 * What the CLI end-to-end tests share: the built CLI (dist/cli.js) run the way a script or a model's
 * shell tool runs it (stdin not a terminal), a bridge-protocol client of a running broker over the raw
 * socket (hello with the key from broker.key, no MCP), and the files a profile left behind.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROTOCOL_VERSION } from '../../app/shared/constants.ts';
import type { ToolCatalogEntry } from '../../app/shared/bridge-contract.ts';
import { resolveBrokerEndpoint } from '../../app/shared/endpoint.ts';
import { connectRpc, type RpcClient } from '../../app/shared/rpc-client.ts';
import { REPO_ROOT } from './mcp-client.ts';

export const CLI_BUNDLE = join(REPO_ROOT, 'dist/cli.js');

/** Runs `node dist/cli.js …args` with stdin not a terminal; resolves with its exit code and output. */
export function runScript(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI_BUNDLE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('close', (code) => resolve({ code, out, err }));
  });
}

/** A bridge connection to the broker of profile `home` that said hello as `name` and declared `tools`. */
export async function helloBridge(home: string, name: string, tools: ToolCatalogEntry[] = []): Promise<RpcClient> {
  const endpoint = resolveBrokerEndpoint({
    platform: 'linux',
    env: { GRAPH_BRIDGE_HOME: home },
    homedir: home,
    username: 'x',
  });
  const c = await connectRpc(endpoint.path);
  await c.call('hello', {
    protocolVersion: PROTOCOL_VERSION,
    key: (await readFile(endpoint.keyPath, 'utf8')).trim(),
    client: { name, version: '1', pid: process.pid },
  });
  if (tools.length > 0) await c.call('tools.declare', { tools });
  return c;
}

/** Every file below `dir`. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
