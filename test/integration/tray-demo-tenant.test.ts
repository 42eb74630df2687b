/**
 * `npm run tray:demo` for real, minus Electron: the dev entry's preparation (test/emulator/demo-tenant.ts)
 * starts the bundled emulator as a child process (`node --import tsx test/emulator/main.ts --ready-json`)
 * and writes its values as the demo profile's settings; a REAL tray host then starts on that profile —
 * configuration only, nothing in app/ knows about the emulator — and:
 *  - the authority those settings name serves its OpenID configuration over TLS with the CA file,
 *  - the host signs the demo user in through the browser flow (headless Chromium types the UPN and
 *    password the entry printed, as the user would),
 *  - stopping the demo stops the child.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { prepareTrayDemo } from '../emulator/demo-tenant.ts';
import { createTrayHost } from '../../app/main/tray/tray-host.ts';
import { createPlatform } from '../../app/platform/platform.ts';
import { chromiumOpenBrowser, type ChromiumOpenBrowser } from '../helpers/browser.ts';

const checkoutRoot = fileURLToPath(new URL('../../', import.meta.url));

function getJson(url: string, ca: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** base64 SHA-256 of the server's SubjectPublicKeyInfo, verified against the CA (what Chromium pins). */
function leafSpki(origin: string, ca: string): Promise<string> {
  const u = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port), ca, servername: u.hostname }, () => {
      const spki = socket.getPeerX509Certificate()?.publicKey.export({ type: 'spki', format: 'der' });
      socket.end();
      if (spki === undefined) reject(new Error('no peer certificate'));
      else resolve(createHash('sha256').update(spki).digest('base64'));
    });
    socket.once('error', reject);
  });
}

test('tray demo: child emulator → demo profile settings → tray host on that profile → demo user signs in', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'gb-tray-demo-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const platform = createPlatform({ env: { GRAPH_BRIDGE_HOME: home, PATH: process.env.PATH }, homedir: home });
  const caDir = join(platform.paths.stateDir, 'demo-tenant');

  const started = Date.now();
  const prepared = await prepareTrayDemo({
    checkoutRoot,
    nodeCommand: process.execPath,
    env: process.env,
    stateDir: platform.paths.stateDir,
    configDir: platform.paths.configDir,
    log: () => undefined,
  });
  assert.ok(prepared.ok, prepared.ok ? '' : prepared.error.message);
  const { emulator, ready, message } = prepared.value;
  t.after(() => emulator.stop());
  console.log(`tray demo: emulator child ready + settings in ${Date.now() - started} ms`);
  const demoUser = ready.users[0];
  assert.ok(demoUser !== undefined);
  assert.match(message, new RegExp(`${demoUser.upn.replace(/\./g, '\\.')} with the password`));
  assert.ok(emulator.running());

  let browser: ChromiumOpenBrowser | null = null;
  const hostResult = await createTrayHost({
    platform,
    version: '0.0.0-demo',
    keychainService: `graph-bridge-demo-it-${randomUUID()}`,
    openBrowser: (url) => {
      if (browser === null) throw new Error('sign-in browser not ready');
      return browser.openBrowser(url);
    },
  });
  assert.ok(hostResult.ok, hostResult.ok ? '' : hostResult.error.message);
  const host = hostResult.value;
  await host.broker.start();
  t.after(() => host.stop());

  // The settings are ordinary configuration, and the host runs on them.
  const settings = JSON.parse(await readFile(join(platform.paths.configDir, 'settings.json'), 'utf8')) as {
    extraCaFile: string;
    cloud: { authorityHost: string; graphBaseUrl: string };
  };
  assert.equal(settings.extraCaFile, join(caDir, 'ca.pem'));
  assert.equal(host.endpoints().authority, ready.authority);

  // A sign-in-ready authority: OpenID configuration over TLS trusted only through the CA file.
  const ca = await readFile(settings.extraCaFile, 'utf8');
  const oidc = await getJson(`${ready.authority}/v2.0/.well-known/openid-configuration`, ca);
  assert.equal(oidc.status, 200);
  assert.ok(String(oidc.body.authorization_endpoint).startsWith(settings.cloud.authorityHost));
  assert.ok(String(oidc.body.token_endpoint).startsWith(settings.cloud.authorityHost));
  const me = await getJson(`${settings.cloud.graphBaseUrl}v1.0/me`, ca);
  assert.equal(me.status, 401, 'the Graph half answers (and wants a token)');

  // The user signs in through the browser, typing the demo user the entry printed.
  browser = chromiumOpenBrowser({
    username: demoUser.upn,
    password: demoUser.password,
    spkiSha256: await leafSpki(settings.cloud.authorityHost, ca),
  });
  const signedIn = await host.broker.signIn();
  assert.ok(signedIn.ok, signedIn.ok ? '' : signedIn.error.message);
  assert.equal(signedIn.value.username, demoUser.upn);
  assert.equal(host.broker.status().account?.username, demoUser.upn);

  // Stopping the demo stops the child.
  await emulator.stop();
  assert.equal(emulator.running(), false);
  await assert.rejects(getJson(`${ready.authority}/v2.0/.well-known/openid-configuration`, ca));
});
