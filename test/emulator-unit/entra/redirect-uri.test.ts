import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redirectUriMatches } from '../../emulator/entra/redirect-uri.ts';

void describe('emulator redirect URI matching', () => {
  void it('ignores the port for http loopback URIs (MSAL loopback)', () => {
    assert.equal(redirectUriMatches('http://localhost', 'http://localhost:51234'), true);
    assert.equal(redirectUriMatches('http://localhost', 'http://localhost:51234/'), true);
    assert.equal(redirectUriMatches('http://127.0.0.1/cb', 'http://127.0.0.1:9/cb'), true);
  });

  void it('otherwise requires an exact match', () => {
    assert.equal(redirectUriMatches('http://localhost', 'http://localhost:5/other'), false);
    assert.equal(redirectUriMatches('http://localhost', 'http://127.0.0.1:5'), false);
    assert.equal(redirectUriMatches('https://localhost/callback', 'https://localhost:444/callback'), false);
    assert.equal(redirectUriMatches('https://localhost/callback', 'https://localhost/callback'), true);
    assert.equal(redirectUriMatches('http://localhost', 'https://evil.example/'), false);
  });
});
