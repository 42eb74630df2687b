/**
 * Microsoft Graph half of the emulator (spec §8–§10). Mounted by the Entra half on the Graph origin.
 */
import type { CreateGraphService, GraphService, GraphServiceDeps } from '../types.ts';

export const createGraphService: CreateGraphService = (deps: GraphServiceDeps): GraphService => {
  return {
    handle(_req, res, _body) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ error: { code: 'NotImplemented', message: `Graph emulator at ${deps.graphOrigin}` } }));
      return Promise.resolve();
    },
    reset() {},
  };
};
