import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lexicalRefusal, pathRefusal, secretNameReason, type PolicyRoots } from '../../../../bridge/uploads/policy.ts';
import { policyFactsFor } from '../../../../bridge/uploads/node-fs.ts';

const linux = policyFactsFor('linux');
const mac = policyFactsFor('darwin');
const windows = policyFactsFor('win32');

const ROOTS: PolicyRoots = {
  allowed: ['/home/ada/Documents', '/home/ada/Downloads', '/home/ada'],
  protected: ['/home/ada/.config/graph-bridge', '/home/ada/Documents/gb/run'],
  homes: ['/home/ada'],
};

void describe('upload policy: lexical checks on the path a model gives', () => {
  void it('refuses relative paths, dot segments however padded, control and bidi characters', () => {
    const refused = [
      'Documents/a.txt',
      '~/Documents/a.txt',
      '/home/ada/Documents/../.ssh/id_rsa',
      '/home/ada/Documents/./a.txt',
      '/home/ada/Documents/.. /a.txt',
      '/home/ada/Documents/.../a.txt',
      '/home/ada/Documents/a\n.txt',
      '/home/ada/Documents/report\u202Etxt.exe',
      '/home/ada/Documents/zero\u200Bwidth.txt',
      '',
      `/${'a'.repeat(1500)}`,
    ];
    for (const p of refused) assert.notEqual(lexicalRefusal(p, linux), null, JSON.stringify(p));
    assert.equal(lexicalRefusal('/home/ada/Documents/..hidden-ish but fine.txt', linux), null);
    assert.equal(lexicalRefusal('/home/ada/Documents/Q3 report (final).pdf', linux), null);
  });

  void it('Windows: device paths, streams and backslash dot segments', () => {
    for (const p of [
      '\\\\?\\C:\\Users\\ada\\Documents\\a.txt',
      '\\\\.\\PhysicalDrive0',
      'C:\\Users\\ada\\Documents\\a.txt:secret',
      'C:\\Users\\ada\\Documents\\..\\AppData\\x',
      'Documents\\a.txt',
    ])
      assert.notEqual(lexicalRefusal(p, windows), null, p);
    assert.equal(lexicalRefusal('C:\\Users\\ada\\Documents\\a.txt', windows), null);
  });
});

void describe('upload policy: where a (resolved) path may be', () => {
  void it('inside an allowed folder only; never Graph Bridge folders, home dot/app-data folders, hidden parts', () => {
    assert.equal(pathRefusal('/home/ada/Documents/q3.xlsx', ROOTS, linux), null);
    assert.equal(pathRefusal('/home/ada/notes.md', ROOTS, linux), null);
    assert.match(pathRefusal('/etc/passwd', ROOTS, linux) ?? '', /outside/);
    assert.match(pathRefusal(`/home/ada/${'d/'.repeat(800)}x`, ROOTS, linux) ?? '', /longer than 1500/);
    const docsOnly = { ...ROOTS, allowed: ['/home/ada/Documents'] };
    assert.match(pathRefusal('/home/ada/Documents', docsOnly, linux) ?? '', /outside/, 'the folder itself is no file');
    assert.match(pathRefusal('/home/adam/x.txt', ROOTS, linux) ?? '', /outside/, 'a sibling with the same prefix');
    assert.match(pathRefusal('/home/ada/.ssh/config', ROOTS, linux) ?? '', /hidden or app-data/);
    assert.match(pathRefusal('/home/ada/Library/Keychains/x', ROOTS, mac) ?? '', /hidden or app-data/);
    assert.match(pathRefusal('/home/ada/Documents/gb/run/broker.sock', ROOTS, linux) ?? '', /Graph Bridge/);
    assert.match(pathRefusal('/home/ada/Documents/GB/RUN/x', ROOTS, linux) ?? '', /Graph Bridge/, 'deny ignores case');
    assert.match(pathRefusal('/home/ada/Documents/proj/.git/config', ROOTS, linux) ?? '', /hidden file or folder/);
    assert.match(pathRefusal('/home/ada/Documents/.env', ROOTS, linux) ?? '', /hidden/);
    assert.match(pathRefusal('/home/ada/Documents/deploy/server.PEM', ROOTS, linux) ?? '', /key, credential/);
  });

  void it('allowed-folder case: exact on Linux, case-insensitive on macOS and Windows', () => {
    const roots: PolicyRoots = { allowed: ['/Users/ada/Documents'], protected: [], homes: ['/Users/ada'] };
    assert.match(pathRefusal('/Users/ada/documents/a.txt', roots, linux) ?? '', /outside/);
    assert.equal(pathRefusal('/Users/ada/documents/a.txt', roots, mac), null);
    const win: PolicyRoots = {
      allowed: ['C:\\Users\\ada\\Documents'],
      protected: ['C:\\Users\\ada\\AppData\\Roaming\\Graph Bridge'],
      homes: ['C:\\Users\\ada'],
    };
    assert.equal(pathRefusal('c:\\users\\ada\\documents\\a.txt', win, windows), null);
    assert.match(
      pathRefusal('C:\\Users\\ada\\AppData\\Local\\x.txt', { ...win, allowed: ['C:\\Users\\ada'] }, windows) ?? '',
      /app-data/,
    );
  });

  void it('key, credential and cache names', () => {
    for (const name of [
      'id_rsa',
      'id_ed25519.pub',
      'ID_ECDSA_sk',
      'server.key',
      'cert.pem',
      'store.p12',
      'vault.kdbx',
      'login.keychain-db',
      '.env',
      '.env.production',
      '.netrc',
      '_netrc',
      'credentials',
      'credentials.json',
      'client_secret.json',
      'msal_token_cache.json',
      'token-cache.bin',
      'Cookies',
      'Login Data',
      'broker.key',
    ])
      assert.notEqual(secretNameReason(name), null, name);
    for (const name of ['Q3-report.txt', 'keynote.pdf', 'monkey.png', 'environment.md', 'tokens-of-appreciation.docx'])
      assert.equal(secretNameReason(name), null, name);
  });
});
