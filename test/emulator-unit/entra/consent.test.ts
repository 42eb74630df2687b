import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClock } from '../../emulator/clock.ts';
import { adminOnlyFor, missingScopes, scopeDescriptions } from '../../emulator/entra/consent.ts';
import type { EntraContext } from '../../emulator/entra/context.ts';
import { consentPage } from '../../emulator/entra/pages.ts';
import { DEMO_CLIENT_ID, defaultApis, defaultUsers } from '../../emulator/fixtures.ts';
import { parseScopes } from '../../emulator/scopes.ts';
import { testEntraContext } from '../../helpers/entra-context.ts';

void describe('emulator consent: Graph scopes and custom-API scopes', () => {
  const orders = defaultApis()[0]!;
  const accessAsUser = `${orders.appIdUri}/access_as_user`;
  const manageAll = `${orders.appIdUri}/Orders.Manage.All`;
  const [adele, megan] = defaultUsers();
  assert.ok(adele && megan);

  function setup(): EntraContext {
    return testEntraContext({ clock: createClock(() => Date.UTC(2026, 0, 1)), keys: [] });
  }
  const parse = (ctx: EntraContext, raw: string) => {
    const r = parseScopes(raw, { apis: ctx.state.apiList() });
    assert.ok(r.ok, JSON.stringify(r));
    return r.scopes;
  };

  void it('an API scope needs its own consent; Graph grants do not cover it (and vice versa)', () => {
    const ctx = setup();
    ctx.state.grant(adele.oid, DEMO_CLIENT_ID, ['User.Read', 'Mail.Read']);
    const api = parse(ctx, `${orders.clientId}/access_as_user openid offline_access`);
    assert.deepEqual(missingScopes(ctx, adele.oid, DEMO_CLIENT_ID, api), [accessAsUser], 'keyed by app ID URI');
    const both = parse(ctx, `User.Read Calendars.Read ${accessAsUser}`);
    assert.deepEqual(missingScopes(ctx, adele.oid, DEMO_CLIENT_ID, both), ['Calendars.Read', accessAsUser]);
    ctx.state.grant(adele.oid, DEMO_CLIENT_ID, [accessAsUser]);
    assert.deepEqual(missingScopes(ctx, adele.oid, DEMO_CLIENT_ID, api), []);
    // Graph /.default still means "Graph scopes granted?" — an API grant alone does not satisfy it.
    ctx.state.users.get(adele.oid)!.grants.set(DEMO_CLIENT_ID, new Set([accessAsUser]));
    assert.deepEqual(
      missingScopes(ctx, adele.oid, DEMO_CLIENT_ID, parse(ctx, 'https://graph.microsoft.com/.default')),
      ['User.Read'],
      "the app's required Graph scopes",
    );
  });

  void it('<api>/.default: nothing more once any of its scopes is granted, else its user-consentable scopes', () => {
    const ctx = setup();
    const dflt = parse(ctx, `${orders.appIdUri}/.default`);
    assert.deepEqual(missingScopes(ctx, adele.oid, DEMO_CLIENT_ID, dflt), [accessAsUser]);
    ctx.state.apps.get(DEMO_CLIENT_ID)!.requiredScopes = ['User.Read', manageAll];
    assert.deepEqual(missingScopes(ctx, adele.oid, DEMO_CLIENT_ID, dflt), [manageAll], 'required by the app');
    ctx.state.grant(adele.oid, DEMO_CLIENT_ID, [accessAsUser]);
    assert.deepEqual(missingScopes(ctx, adele.oid, DEMO_CLIENT_ID, dflt), []);
  });

  void it('admin-only API scopes need an admin, like admin-only Graph scopes', () => {
    const ctx = setup();
    assert.deepEqual(adminOnlyFor(ctx, adele.oid, [accessAsUser, manageAll, 'User.Read.All', 'Mail.Read']), [
      manageAll,
      'User.Read.All',
    ]);
    assert.deepEqual(adminOnlyFor(ctx, megan.oid, [manageAll, 'User.Read.All']), []);
  });

  void it('the consent page lists the API scope with its description and the API name', () => {
    const ctx = setup();
    const scopes = ['Mail.Read', accessAsUser];
    const html = consentPage({
      interactionId: 'ix1',
      appName: 'Graph Bridge',
      userUpn: adele.upn,
      scopes,
      descriptions: scopeDescriptions(ctx, scopes),
    });
    assert.ok(html.includes(`data-scope="${accessAsUser}"`));
    assert.ok(html.includes('Access Contoso Orders API as you (Contoso Orders API)'));
    assert.ok(html.includes('Read your mail'));
    assert.equal(scopeDescriptions(ctx, ['api://unknown/x'])['api://unknown/x'], 'api://unknown/x');
  });
});
