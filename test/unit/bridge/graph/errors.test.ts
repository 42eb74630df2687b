import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  brokerFailureToToolError,
  graphFailureToToolError,
  readGraphError,
  throttledError,
} from '../../../../bridge/graph/errors.ts';

const ctx = { tool: 'list_messages', group: 'mail' as const, clientName: 'cursor' };

test('CONSENT_REQUIRED names the missing scopes and the Grant button, never a command that grants', () => {
  const e = brokerFailureToToolError(
    { code: 'CONSENT_REQUIRED', message: 'x', missingScopes: ['Mail.Read', 'Mail.Send'] },
    ctx,
  );
  assert.equal(e.code, 'CONSENT_REQUIRED');
  assert.match(e.message, /not been granted yet: Mail\.Read, Mail\.Send\./);
  assert.match(e.message, /press Grant for Mail\.Read, Mail\.Send/);
  assert.doesNotMatch(e.message, /graph-bridge consent/);
  // graph_request asking for Contacts.Read: the remedy names Contacts.Read, not the graph group's User.Read.
  const generic = brokerFailureToToolError(
    { code: 'CONSENT_REQUIRED', message: '', missingScopes: ['Contacts.Read'] },
    { tool: 'graph_request', group: 'graph' },
  );
  assert.match(generic.message, /graph_request needs permissions that have not been granted yet: Contacts\.Read\./);
  assert.doesNotMatch(generic.message, /consent graph|User\.Read/);
  const admin = brokerFailureToToolError({ code: 'CONSENT_REQUIRED', message: '', adminConsentRequired: true }, ctx);
  assert.match(admin.message, /administrator/);
});

test('NOT_SIGNED_IN / CLIENT_NOT_APPROVED / PAUSED keep the broker remedy or add ours', () => {
  const signIn = brokerFailureToToolError({ code: 'NOT_SIGNED_IN', message: 'No account.' }, ctx);
  assert.match(signIn.message, /^No account\. Sign in from the Graph Bridge tray/);
  const own = brokerFailureToToolError({ code: 'NOT_SIGNED_IN', message: 'Sign in with graph-bridge login.' }, ctx);
  assert.equal(own.message, 'Sign in with graph-bridge login.');
  const client = brokerFailureToToolError({ code: 'CLIENT_NOT_APPROVED', message: '' }, ctx);
  assert.match(client.message, /"cursor".*Ask the user to allow it in the Graph Bridge window/);
  const paused = brokerFailureToToolError({ code: 'PAUSED', message: 'Paused by you.' }, ctx);
  assert.match(paused.message, /Ask the user to resume it in the Graph Bridge window/);
  const down = brokerFailureToToolError({ code: 'BROKER_UNAVAILABLE', message: 'Graph Bridge is not running.' }, ctx);
  assert.equal(down.code, 'BROKER_UNAVAILABLE');
});

test('403 names the permission the call needed; 404 says to check the id', () => {
  const forbidden = graphFailureToToolError({
    status: 403,
    body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied.' } },
    method: 'GET',
    pathTemplate: '/me/messages',
    scopes: ['Mail.Read'],
    requestId: 'r1',
  });
  assert.equal(forbidden.code, 'GRAPH_FORBIDDEN');
  assert.match(forbidden.message, /needs the Mail\.Read permission/);
  assert.match(forbidden.message, /ErrorAccessDenied: Access is denied/);
  assert.match(forbidden.message, /request-id r1/);
  const missing = graphFailureToToolError({
    status: 404,
    body: {},
    method: 'GET',
    pathTemplate: '/me/messages/{id}',
    scopes: [],
  });
  assert.equal(missing.code, 'GRAPH_NOT_FOUND');
  assert.match(missing.message, /Check the id/);
  assert.equal(
    graphFailureToToolError({ status: 400, body: 'x', method: 'GET', pathTemplate: '/', scopes: [] }).code,
    'GRAPH_BAD_REQUEST',
  );
  assert.equal(
    graphFailureToToolError({ status: 502, body: null, method: 'GET', pathTemplate: '/', scopes: [] }).code,
    'GRAPH_UNAVAILABLE',
  );
});

test('throttled error says Graph is throttling and when to retry', () => {
  const e = throttledError({
    status: 429,
    body: { error: { code: 'TooManyRequests' } },
    waitedMs: 30_000,
    retries: 3,
    retryAfterS: 40,
  });
  assert.equal(e.code, 'THROTTLED');
  assert.match(
    e.message,
    /^Microsoft Graph is throttling requests \(HTTP 429\) \(TooManyRequests\); gave up after 3 retries and 30 s/,
  );
  assert.match(e.message, /about 40 s/);
});

test('readGraphError tolerates any body', () => {
  assert.deepEqual(readGraphError(null), {});
  assert.deepEqual(readGraphError({ error: 'x' }), {});
  assert.deepEqual(readGraphError({ error: { code: 'c', message: 5 } }), { code: 'c' });
});
