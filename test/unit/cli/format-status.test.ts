import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatStatus } from '../../../app/cli/format-status.ts';
import { client, consentRequest, signedIn, status, writeApproval } from '../main/status-fixture.ts';
import { HOSTILE_TEXT, RAW_UNSAFE } from '../../helpers/hostile-text.ts';

const view = (s: ReturnType<typeof status>) => ({
  status: s,
  running: true,
  host: 'agent',
  neededScopes: ['Mail.Read', 'User.Read'],
  logPath: null,
  auditPath: '/tmp/audit.jsonl',
});

test('status text: account, cache, missing scopes with the command that grants them', () => {
  const text = formatStatus(view(signedIn({ grantedScopes: ['User.Read'] })));
  assert.match(text, /Broker: +running \(agent\) on \/run\/user\/1000\/graph-bridge\/broker\.sock/);
  assert.match(text, /Account: +ada@contoso\.com \(Ada Lovelace\)/);
  assert.match(text, /Token cache: +keychain/);
  assert.match(text, /Missing: +Mail\.Read \(grant with: graph-bridge consent/);
  assert.doesNotMatch(text, /Sign-in:/);
});

test('status text: a session that must sign in again says so and why', () => {
  const text = formatStatus(
    view(
      signedIn({
        signInNeeded: { reason: 'Session revoked. Run `graph-bridge login`.', since: '2026-11-22T10:00:00.000Z' },
      }),
    ),
  );
  assert.match(text, /Sign-in: +NEEDED since 2026-11-22T10:00:00\.000Z: Session revoked\. Run `graph-bridge login`\./);
});

test('status text: signed out and not running', () => {
  const text = formatStatus({ ...view(status()), running: false });
  assert.match(text, /not running \(would listen on/);
  assert.match(text, /not signed in \(run: graph-bridge login\)/);
});

test('status text: peer-controlled names, tools, summaries and scopes are escaped; a printed command pastes safely', () => {
  const evil = `${HOSTILE_TEXT.newline}${HOSTILE_TEXT.clearScreen}${HOSTILE_TEXT.bidi}`;
  const text = formatStatus(
    view(
      signedIn({
        clients: [client(evil, 'pending')],
        pendingApprovals: [
          { ...writeApproval('w1'), client: evil, tool: `t${HOSTILE_TEXT.carriageReturn}`, summary: evil },
        ],
        pendingConsent: [
          { ...consentRequest('c1'), requestedBy: evil, scopes: ['Mail.Send', "x'$(touch /tmp/pwned)"] },
        ],
      }),
    ),
  );
  assert.doesNotMatch(text, RAW_UNSAFE);
  assert.doesNotMatch(text, /\r/);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.filter((l) => l.includes('evil')).length, 3, 'client, approval and consent: one line each');
  assert.ok(lines.some((l) => l.startsWith('  evil\\x0a2026-01-01T00:00:00.000Z INFO [1] Bridge connected')));
  assert.match(text, /grant with: graph-bridge consent Mail\.Send 'x'\\''\$\(touch \/tmp\/pwned\)'\)/);
});
