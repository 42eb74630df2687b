import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeStatus, consentMatrix } from '../../../../app/broker/status/compose-status.ts';
import {
  TOOL_GROUPS,
  isOnDemand,
  needsAdminConsent,
  userConsentableScopes,
} from '../../../../app/shared/tool-groups.ts';
import { statusSchema } from '../../../../app/shared/bridge-contract.ts';

void test('the consent matrix lists every group with its scopes, write flags and granted state', () => {
  const m = consentMatrix(['mail'], false, ['mail.read', 'User.Read']);
  assert.deepEqual(
    m.map((g) => g.group),
    [...TOOL_GROUPS],
  );
  const mail = m.find((g) => g.group === 'mail');
  assert.deepEqual(mail, {
    group: 'mail',
    enabled: true,
    scopes: [
      { scope: 'Mail.Read', granted: true, write: false },
      { scope: 'Mail.ReadWrite', granted: false, write: true },
      { scope: 'Mail.Send', granted: false, write: true },
      { scope: 'Mail.Read.Shared', granted: false, write: false, onDemand: true },
      { scope: 'MailboxSettings.Read', granted: false, write: false, onDemand: true },
      { scope: 'Mail.ReadWrite.Shared', granted: false, write: true, onDemand: true },
      { scope: 'Mail.Send.Shared', granted: false, write: true, onDemand: true },
    ],
  });
  assert.equal(m.find((g) => g.group === 'files')?.enabled, false);
  const readOnly = consentMatrix(['mail'], true, []);
  assert.deepEqual(
    readOnly.find((g) => g.group === 'mail')?.scopes.map((s) => s.scope),
    ['Mail.Read', 'Mail.Read.Shared', 'MailboxSettings.Read'],
  );
});

void test('on-demand scopes are listed and flagged, and kept out of sign-in and Grant', () => {
  assert.deepEqual(userConsentableScopes('mail', false), ['Mail.Read', 'Mail.ReadWrite', 'Mail.Send']);
  assert.deepEqual(userConsentableScopes('mail', true), ['Mail.Read']);
  assert.equal(isOnDemand('mail.read.shared'), true);
  assert.equal(isOnDemand('Mail.Read'), false);
});

void test('admin-only scopes are flagged in the matrix and kept out of sign-in and Grant', () => {
  const teams = consentMatrix(['teams'], false, []).find((g) => g.group === 'teams');
  assert.deepEqual(
    teams?.scopes.filter((s) => s.adminConsent === true).map((s) => s.scope),
    ['ChannelMessage.Read.All'],
  );
  assert.deepEqual(userConsentableScopes('teams', false), [
    'Chat.Read',
    'Team.ReadBasic.All',
    'Channel.ReadBasic.All',
    'ChatMessage.Send',
    'ChannelMessage.Send',
    'Chat.Create',
    'User.ReadBasic.All',
  ]);
  assert.equal(needsAdminConsent('channelmessage.read.all'), true);
  assert.equal(needsAdminConsent('Mail.Read'), false);
});

void test('composeStatus produces the exact statusSchema shape', () => {
  const s = composeStatus({
    brokerVersion: '1.0.0',
    endpoint: '/run/gb/broker.sock',
    paused: false,
    auth: {
      account: null,
      accounts: [],
      cache: { backend: 'memory', detail: 'no Secret Service' },
      grantedScopes: [],
      tokenExpiresOn: new Date(Date.UTC(2026, 0, 1)),
      lastRefresh: null,
    },
    toolGroups: ['profile'],
    readOnly: false,
    clients: [],
    pendingApprovals: [],
    pendingConsent: [],
  });
  assert.deepEqual(statusSchema.parse(s), s);
  assert.equal(s.token.expiresOn, '2026-01-01T00:00:00.000Z');
});
