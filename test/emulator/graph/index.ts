/**
 * Microsoft Graph half of the emulator (spec §8–§10). The Entra half mounts `handle` on the Graph
 * origin (`/v1.0/…`, `/beta/…`) and on the download host (`/_dl/<token>` downloads, `/_up/<token>`
 * upload sessions, `/_mon/<token>` copy monitors); faults, the request log and TLS are the Entra half's. See docs/emulator-graph.md for routes, scopes and seed data.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CreateGraphService, GraphService, GraphServiceDeps } from '../types.ts';
import { loadGraphSchema } from '../../graph-schema/load.ts';
import type { Schema } from '../../graph-schema/model.ts';
import { serveCopyMonitor } from './copy-monitor.ts';
import { createDispatcher } from './dispatch.ts';
import { serveDownload } from './download.ts';
import { parseQuery, type GraphRequest, type GraphResponse, type GraphVersion } from './http.ts';
import type { Route } from './router.ts';
import { calendarRoutes } from './routes/calendar.ts';
import { contactRoutes } from './routes/contacts.ts';
import { driveManageRoutes } from './routes/drive-manage.ts';
import { driveRoutes } from './routes/drive.ts';
import { mailMimeRoutes } from './routes/mail-mime.ts';
import { mailRoutes } from './routes/mail.ts';
import { serveAttachmentUpload } from './routes/mail-upload.ts';
import { orgRoutes } from './routes/org.ts';
import { presenceRoutes } from './routes/presence.ts';
import { searchRoutes } from './routes/search.ts';
import { onenoteRoutes } from './routes/onenote.ts';
import { plannerRoutes } from './routes/planner.ts';
import { siteRoutes } from './routes/sites.ts';
import { teamsRoutes } from './routes/teams.ts';
import { todoRoutes } from './routes/todo.ts';
import { userRoutes } from './routes/users.ts';
import { workbookRoutes } from './routes/workbook.ts';
import { createStore, type GraphStore } from './store.ts';
import { serveUploadSession } from './upload-session.ts';

export interface GraphServiceOptions {
  /** Fix the seed base date (UTC midnight) instead of deriving it from the clock at reset. */
  baseDateMs?: number;
  /** Outlook requests allowed concurrently per mailbox inside one $batch (default 4, real Outlook). */
  mailboxConcurrency?: number;
  /** Microsoft's Graph v1.0 schema (default: the vendored CSDL, test/graph-schema). */
  schema?: Schema;
}

export const ROUTES: readonly Route[] = [
  ...userRoutes,
  ...orgRoutes,
  ...presenceRoutes,
  ...searchRoutes,
  ...mailRoutes,
  ...mailMimeRoutes,
  ...contactRoutes,
  ...calendarRoutes,
  ...workbookRoutes,
  ...driveRoutes,
  ...driveManageRoutes,
  ...siteRoutes,
  ...teamsRoutes,
  ...todoRoutes,
  ...onenoteRoutes,
  ...plannerRoutes,
];

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function write(res: ServerResponse, r: GraphResponse): void {
  const body = r.json !== undefined ? Buffer.from(JSON.stringify(r.json)) : (r.raw ?? Buffer.alloc(0));
  res.statusCode = r.status;
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  if (r.status !== 204 && r.status !== 304) res.setHeader('Content-Length', String(body.length));
  res.end(r.status === 204 || r.status === 304 ? undefined : body);
}

/** Graph service with test options (fixed seed date, concurrency rule). */
export function createGraphServiceWithOptions(
  deps: GraphServiceDeps,
  options: GraphServiceOptions = {},
): GraphService & {
  /** Socket-free entry point (unit tests). */
  request(req: GraphRequest): GraphResponse;
  /** The state (unit tests). */
  store: GraphStore;
} {
  const store = createStore(deps, options.baseDateMs === undefined ? {} : { baseDateMs: options.baseDateMs });
  const dispatcher = createDispatcher({
    deps,
    store,
    routes: ROUTES,
    mailboxConcurrency: options.mailboxConcurrency ?? 4,
    schema: options.schema ?? loadGraphSchema(),
  });

  const request = (req: GraphRequest): GraphResponse => dispatcher.dispatch(req);

  return {
    request,
    store,
    handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const rawQuery = q < 0 ? '' : url.slice(q + 1);
      const headers = headersOf(req);
      const method = (req.method ?? 'GET').toUpperCase();
      const dl = /^\/_dl\/([A-Za-z0-9_-]+)$/.exec(path);
      if (dl?.[1] && (method === 'GET' || method === 'HEAD')) {
        write(res, serveDownload(store, dl[1], deps.clock.nowMs(), headers.range));
        return Promise.resolve();
      }
      const mon = /^\/_mon\/([A-Za-z0-9_-]+)$/.exec(path);
      if (mon?.[1] && method === 'GET') {
        write(res, serveCopyMonitor(store, mon[1], { requestId: randomUUID(), nowMs: deps.clock.nowMs() }));
        return Promise.resolve();
      }
      const up = /^\/_up\/([A-Za-z0-9_-]+)$/.exec(path);
      if (up?.[1]) {
        const ids = { requestId: randomUUID(), nowMs: deps.clock.nowMs() };
        const upload = { token: up[1], method, headers, body };
        // One URL space for OneDrive and Outlook attachment sessions: the token says which it is.
        const serve = store.attachmentUploads.has(up[1]) ? serveAttachmentUpload : serveUploadSession;
        write(res, serve(deps, store, upload, ids));
        return Promise.resolve();
      }
      const vm = /^\/(v1\.0|beta)(\/.*)?$/i.exec(path);
      if (!vm?.[1]) {
        const segment = path.split('/').filter(Boolean)[0] ?? '';
        write(res, {
          status: 400,
          headers: { 'Content-Type': 'application/json' },
          json: { error: { code: 'BadRequest', message: `Invalid version: ${segment}` } },
        });
        return Promise.resolve();
      }
      write(
        res,
        request({
          method,
          version: vm[1].toLowerCase() as GraphVersion,
          path: vm[2] ?? '/',
          query: parseQuery(rawQuery),
          headers,
          body,
        }),
      );
      return Promise.resolve();
    },
    reset: () => store.reset(),
  };
}

export const createGraphService: CreateGraphService = (deps: GraphServiceDeps): GraphService =>
  createGraphServiceWithOptions(deps);
