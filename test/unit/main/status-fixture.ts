/** BrokerStatus values for the tray/window unit tests; each test states the part it changes. */
import { statusSchema, type BrokerStatus } from '../../../app/shared/bridge-contract.ts';

export const ADA = {
  homeAccountId: 'oid-ada.tid-contoso',
  username: 'ada@contoso.com',
  name: 'Ada Lovelace',
  tenantId: 'tid-contoso',
  environment: 'login.microsoftonline.com',
};

export function status(overrides: Partial<BrokerStatus> = {}): BrokerStatus {
  return statusSchema.parse({
    brokerVersion: '0.1.0',
    endpoint: '/run/user/1000/graph-bridge/broker.sock',
    paused: false,
    account: null,
    accounts: [],
    cache: { backend: 'keychain', detail: 'Secret Service (libsecret)' },
    token: { expiresOn: null, lastRefresh: null },
    grantedScopes: [],
    consent: [{ group: 'mail', enabled: true, scopes: [{ scope: 'Mail.Read', granted: false, write: false }] }],
    clients: [],
    pendingApprovals: [],
    pendingConsent: [],
    ...overrides,
  });
}

export function signedIn(overrides: Partial<BrokerStatus> = {}): BrokerStatus {
  return status({ account: ADA, accounts: [ADA], ...overrides });
}

export function client(name: string, approval: 'approved' | 'pending' | 'denied', id = name) {
  return {
    id,
    name,
    remembered: !id.startsWith('session-'),
    approval,
    firstSeen: '2025-01-01T10:00:00.000Z',
    lastSeen: '2025-01-01T10:05:00.000Z',
    calls: 3,
    connected: 1,
  };
}

export function writeApproval(id: string, tool = 'mail_send') {
  return {
    id,
    client: 'claude-ai',
    tool,
    summary: "Send mail to bob@contoso.com: 'Q3 plan'",
    details: { To: 'bob@contoso.com', Subject: 'Q3 plan' },
    requestedAt: '2025-01-01T10:00:00.000Z',
    expiresAt: '2025-01-01T10:02:00.000Z',
  };
}

export function consentRequest(id: string) {
  return { id, scopes: ['Mail.Send'], requestedBy: 'claude-ai', requestedAt: '2025-01-01T10:00:00.000Z' };
}
