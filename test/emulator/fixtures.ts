/**
 * The seeded tenant: one tenant, two public-client app registrations, one app registration that
 * exposes an API (the demo "Contoso Orders API"), three users. Deterministic ids so test output and
 * demo instructions are stable; passwords are fixtures of a fake tenant, not secrets.
 */
import type { EmulatorUser } from './types.ts';

export const TENANT_ID = '6f1e3c2a-9b7d-4e5f-8a1c-2d3e4f5a6b7c';
export const TENANT_DOMAIN = 'contoso.onmicrosoft.com';

/** The Graph Bridge demo app (public client). */
export const DEMO_CLIENT_ID = '3c9d7e1f-5a2b-4c8d-9e0f-1a2b3c4d5e6f';
/** A second registered public client (FOCI / client-mismatch tests). */
export const OTHER_CLIENT_ID = '8e7d6c5b-4a39-4281-b7c6-d5e4f3a2b1c0';

export interface EmulatorApp {
  clientId: string;
  displayName: string;
  publicClient: boolean;
  redirectUris: string[];
  /** What `/.default` consents to when nothing is granted yet. */
  requiredScopes: string[];
}

export function defaultApps(): EmulatorApp[] {
  return [
    {
      clientId: DEMO_CLIENT_ID,
      displayName: 'Graph Bridge',
      publicClient: true,
      redirectUris: ['http://localhost'],
      requiredScopes: ['User.Read'],
    },
    {
      clientId: OTHER_CLIENT_ID,
      displayName: 'Other Sample App',
      publicClient: true,
      redirectUris: ['http://localhost', 'https://localhost/callback'],
      requiredScopes: ['User.Read'],
    },
  ];
}

/** The demo protected API's app registration (application/client id). */
export const DEMO_API_CLIENT_ID = '7a4b9c2d-3e5f-4a6b-8c7d-9e0f1a2b3c4d';
/** Its delegated scope (Expose an API → Add a scope). */
export const DEMO_API_SCOPE_NAME = 'access_as_user';

/** One delegated permission an API exposes (Entra: "Expose an API" → scope). */
export interface EmulatorApiScope {
  /** The scope value, e.g. `access_as_user` (case-insensitive in requests). */
  value: string;
  /** The line the consent page shows. */
  description: string;
  /** "Who can consent: Admins only". */
  adminOnly?: boolean;
}

/**
 * An app registration that exposes a protected API (a resource), as a team registers its own backend:
 * application ID URI (default `api://<clientId>`), delegated scopes, and the access-token version
 * its manifest accepts (`accessTokenAcceptedVersion`: 2 → `aud` = client id GUID, v2 issuer; 1 → `aud`
 * = application ID URI, sts.windows.net issuer).
 */
export interface EmulatorApi {
  clientId: string;
  displayName: string;
  appIdUri: string;
  scopes: EmulatorApiScope[];
  accessTokenVersion: 1 | 2;
}

export function defaultApis(): EmulatorApi[] {
  return [
    {
      clientId: DEMO_API_CLIENT_ID,
      displayName: 'Contoso Orders API',
      appIdUri: `api://${DEMO_API_CLIENT_ID}`,
      scopes: [
        { value: DEMO_API_SCOPE_NAME, description: 'Access Contoso Orders API as you' },
        { value: 'Orders.Manage.All', description: "Manage every user's orders", adminOnly: true },
      ],
      accessTokenVersion: 2,
    },
  ];
}

export function defaultUsers(): EmulatorUser[] {
  return [
    {
      oid: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
      upn: `adele@${TENANT_DOMAIN}`,
      password: 'Adele-Pa55word!',
      displayName: 'Adele Vance',
      givenName: 'Adele',
      surname: 'Vance',
      mail: `adele@${TENANT_DOMAIN}`,
      jobTitle: 'Retail Manager',
      department: 'Retail',
      officeLocation: '18/2111',
      isAdmin: false,
    },
    {
      oid: '1c2d3e4f-5061-4728-93a4-b5c6d7e8f90a',
      upn: `megan@${TENANT_DOMAIN}`,
      password: 'Megan-Pa55word!',
      displayName: 'Megan Bowen',
      givenName: 'Megan',
      surname: 'Bowen',
      mail: `megan@${TENANT_DOMAIN}`,
      jobTitle: 'IT Administrator',
      department: 'IT',
      officeLocation: '12/1110',
      isAdmin: true,
    },
    {
      oid: '2d3e4f50-6172-4839-a4b5-c6d7e8f90a1b',
      upn: `alex@${TENANT_DOMAIN}`,
      password: 'Alex-Pa55word!',
      displayName: 'Alex Wilber',
      givenName: 'Alex',
      surname: 'Wilber',
      mail: `alex@${TENANT_DOMAIN}`,
      jobTitle: 'Marketing Assistant',
      department: 'Marketing',
      officeLocation: '131/1104',
      isAdmin: false,
    },
  ];
}
