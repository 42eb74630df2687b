/**
 * Graph Bridge — the stdio MCP server editors spawn. Composition root: the only bridge module that
 * reads process.* (argv, env, platform, pid, uid, stdio); everything else receives what it needs.
 *
 *   node dist/bridge.js [--read-only] [--tools mail,calendar,…]
 *
 * stdout carries MCP JSON-RPC only; logs go to stderr (log.ts).
 */
import { homedir, tmpdir, userInfo } from 'node:os';
import process from 'node:process';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { BRIDGE_ENV, redactSecrets, resolveBrokerEndpoint } from '../app/broker/protocol.ts';
import { selectTools, toCatalog, ALL_TOOLS } from './catalog.ts';
import { parseBridgeConfig } from './config.ts';
import { createLogger, describeError, type LogLevel } from './log.ts';
// Static on purpose: a dynamic import() of a local module makes esbuild's single-file CJS bundle
// initialise zod v4 lazily and out of order ("Class is not a constructor" at start). The runtime is
// only *created* at the first call, and the Graph client package is import()ed there (graph-client.ts).
import { createRuntime, type Runtime } from './runtime.ts';
import { createBridgeServer } from './server.ts';

function currentUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'user';
  }
}

/** GRAPH_BRIDGE_THROTTLE_BUDGET_MS: how long one call may wait on Graph throttling (default 30 s). */
function throttleBudget(value: string | undefined): { throttleBudgetMs?: number } {
  const ms = Number(value);
  return value !== undefined && Number.isInteger(ms) && ms >= 0 && ms <= 300_000 ? { throttleBudgetMs: ms } : {};
}

async function main(): Promise<void> {
  let runtime: Runtime | undefined;
  const level = process.env.GRAPH_BRIDGE_LOG_LEVEL as LogLevel | undefined;
  const log = createLogger({
    write: (line) => process.stderr.write(line),
    pid: process.pid,
    ...(level && ['debug', 'info', 'warn', 'error'].includes(level) ? { level } : {}),
    secrets: () => runtime?.heldSecrets() ?? [],
  });

  const parsed = parseBridgeConfig(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    log.error(parsed.message);
    process.exitCode = 2;
    return;
  }
  const { config } = parsed;
  const username = currentUserName();
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const endpoint = resolveBrokerEndpoint({
    platform: process.platform,
    env: process.env,
    homedir: homedir(),
    username,
  });
  const tools = selectTools(ALL_TOOLS, config);
  const catalog = toCatalog(tools);

  const server = createBridgeServer({
    tools,
    log,
    readOnly: config.readOnly,
    loadRunner: (mcp) => {
      runtime = createRuntime({
        endpoint,
        pid: process.pid,
        uid,
        userTag: uid !== undefined ? String(uid) : username,
        tmpdir: tmpdir(),
        ...(process.env[BRIDGE_ENV.launch] !== undefined ? { launchCommand: process.env[BRIDGE_ENV.launch] } : {}),
        ...(process.env[BRIDGE_ENV.downloadDir] ? { downloadDir: process.env[BRIDGE_ENV.downloadDir] } : {}),
        config,
        catalog,
        clientInfo: () => {
          const info = mcp.server.getClientVersion();
          return { name: info?.name ?? 'unknown-editor', version: info?.version ?? '' };
        },
        log,
        ...throttleBudget(process.env.GRAPH_BRIDGE_THROTTLE_BUDGET_MS),
      });
      return Promise.resolve(runtime);
    },
  });

  const shutdown = (): void => {
    runtime?.close();
    void server.close().finally(() => process.exit(0));
  };
  process.stdin.once('end', shutdown);
  process.stdin.once('close', shutdown);
  await server.connect(new StdioServerTransport(process.stdin, process.stdout));
  log.debug(
    `ready: ${tools.length} tools (${config.groups.join(',')}${config.readOnly ? ', read-only' : ''}), broker ${endpoint.path}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`[graph-bridge ${process.pid}] fatal: ${redactSecrets(describeError(error))}\n`);
  process.exit(1);
});
