import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthError, ClientAuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import {
  classifySilentError,
  mapSignInError,
  mapSilentError,
  signInTimedOut,
} from '../../../../app/broker/auth/error-mapping.ts';

const ctx = {
  requestedScopes: ['User.Read', 'Mail.Read', 'Mail.Send'],
  grantedScopes: ['User.Read', 'openid', 'profile'],
};

void test('consent_required (65001) → CONSENT_REQUIRED with requested − granted', () => {
  const err = new InteractionRequiredAuthError(
    'invalid_grant',
    'corr',
    'AADSTS65001: The user has not consented',
    'consent_required',
    '',
    '',
    '',
    '65001',
  );
  const r = mapSilentError(err, ctx);
  assert.equal(r.error.code, 'CONSENT_REQUIRED');
  assert.deepEqual(r.error.missingScopes, ['Mail.Read', 'Mail.Send']);
  assert.match(r.error.message, /consent for Mail\.Read, Mail\.Send.*Grant/);
  assert.equal(r.error.adminConsentRequired, undefined, 'user-consentable scopes need no admin');
});

void test('a missing admin-only scope is flagged so the bridge and window point at the admin', () => {
  const err = new InteractionRequiredAuthError('invalid_grant', 'c', 'AADSTS65001', 'consent_required');
  const r = mapSilentError(err, { requestedScopes: ['ChannelMessage.Read.All'], grantedScopes: ['Chat.Read'] });
  assert.equal(r.error.code, 'CONSENT_REQUIRED');
  assert.equal(r.error.adminConsentRequired, true);
  assert.match(r.error.message, /ChannelMessage\.Read\.All can only be granted by a tenant administrator/);
  assert.doesNotMatch(r.error.message, /needs your consent|press Grant/, 'Grant cannot give an admin-only scope');
});

void test('bad_token / no_tokens_found / missing account → NOT_SIGNED_IN: only the user can sign in again', () => {
  const cases = [
    new InteractionRequiredAuthError('invalid_grant', 'c', 'AADSTS50173: revoked', 'bad_token', '', '', '', '50173'),
    new InteractionRequiredAuthError('no_tokens_found', 'c', 'No refresh token found in the cache.'),
    new ClientAuthError('no_account_in_silent_request', 'c'),
    new ServerError('invalid_grant', 'c', 'AADSTS9002313: Invalid request. Request is malformed or invalid.'),
  ];
  for (const err of cases) {
    const r = mapSilentError(err, ctx);
    assert.equal(r.error.code, 'NOT_SIGNED_IN', err.message);
    assert.match(r.error.message, /Only the user can fix this: they must sign in again in Graph Bridge \(tray icon/);
    assert.doesNotMatch(r.error.message, /graph-bridge /, 'token.get text reaches the model: no command in it');
  }
});

void test('basic_action (MFA / Conditional Access) → INTERACTION_REQUIRED', () => {
  const err = new InteractionRequiredAuthError(
    'invalid_grant',
    'c',
    'AADSTS50076: MFA',
    'basic_action',
    '',
    '',
    '{"access_token":{}}',
    '50076',
  );
  const r = classifySilentError(err, ctx);
  assert.equal(r.failure.error.code, 'INTERACTION_REQUIRED');
  assert.match(
    r.failure.error.message,
    /multi-factor authentication or a compliant device.*Only the user can fix this/,
  );
  assert.doesNotMatch(r.failure.error.message, /graph-bridge /);
  assert.deepEqual(r.signInNeeded, {
    reason:
      'Your organisation requires an extra sign-in step, such as multi-factor authentication or a compliant device (invalid_grant/basic_action/50076)',
    claims: '{"access_token":{}}',
  });
});

void test('network failures, 5xx, 429 and MSAL self-throttling → ENTRA_UNAVAILABLE', () => {
  const cases = [
    new AuthError('network_error', 'c', 'Network request failed: ECONNREFUSED'),
    new ServerError('temporarily_unavailable', 'c', 'busy', undefined, '90055', 429),
    new ServerError('server_error', 'c', 'outage', undefined, '90033', 503),
    new ServerError('90033', 'c', 'throttled by MSAL'),
  ];
  for (const err of cases) assert.equal(mapSilentError(err, ctx).error.code, 'ENTRA_UNAVAILABLE', err.message);
});

void test('anything else → INTERNAL, and sign-in errors say what to do', () => {
  assert.equal(mapSilentError(new Error('boom'), ctx).error.code, 'INTERNAL');
  const denied = mapSignInError(new ServerError('access_denied', 'c', 'AADSTS65004: declined'), 'Sign-in');
  assert.equal(denied.error.code, 'INTERACTION_REQUIRED');
  assert.match(denied.error.message, /cancelled or declined/);
  const expired = mapSignInError(new AuthError('post_request_failed', 'c', 'expired_token'), 'Device-code sign-in');
  assert.match(expired.error.message, /timed out/);
});

void test('a sign-in nobody finished says how long Graph Bridge waited and what to do', () => {
  assert.match(
    signInTimedOut('Sign-in', 600_000).error.message,
    /^Sign-in was not finished within 10 minutes, so Graph Bridge stopped waiting\. Start it again.*device-code/,
  );
  assert.match(signInTimedOut('Granting consent', 1000).error.message, /within 1 second,/);
  assert.match(signInTimedOut('Sign-in', 90_000).error.message, /within 90 seconds,/);
});
