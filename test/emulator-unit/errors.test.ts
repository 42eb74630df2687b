import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aadText, aadTimestamp, buildAadError } from '../emulator/errors.ts';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

void describe('emulator AADSTS error bodies', () => {
  void it('formats timestamps as Entra does', () => {
    assert.equal(aadTimestamp(NOW), '2026-01-02 03:04:05Z');
  });

  void it('builds the full body with codes, ids, suberror and claims', () => {
    const body = buildAadError({
      error: 'invalid_grant',
      code: 50076,
      suberror: 'basic_action',
      claims: '{"access_token":{}}',
      traceId: 'trace-1',
      correlationId: 'corr-1',
      nowMs: NOW,
      origin: 'https://localhost:8443',
    });
    assert.deepEqual(body, {
      error: 'invalid_grant',
      error_description: `AADSTS50076: ${aadText(50076)} Trace ID: trace-1 Correlation ID: corr-1 Timestamp: 2026-01-02 03:04:05Z`,
      error_codes: [50076],
      timestamp: '2026-01-02 03:04:05Z',
      trace_id: 'trace-1',
      correlation_id: 'corr-1',
      error_uri: 'https://localhost:8443/error?code=50076',
      suberror: 'basic_action',
      claims: '{"access_token":{}}',
    });
  });

  void it('omits suberror and claims when not given and generates ids', () => {
    const body = buildAadError({ error: 'invalid_grant', code: 9002313, nowMs: NOW, origin: 'https://x' });
    assert.equal('suberror' in body, false);
    assert.equal('claims' in body, false);
    assert.match(body.trace_id, /^[0-9a-f-]{36}$/);
    assert.notEqual(body.trace_id, body.correlation_id);
  });

  void it('fills placeholders and keeps descriptions free of MSAL interaction-required error strings', () => {
    assert.match(
      aadText(700016, { clientId: 'abc', tenant: 't1' }),
      /identifier 'abc' was not found in the directory 't1'/,
    );
    for (const code of [9002313, 54005, 501481, 70011, 700016, 70000, 90033, 90055, 65004]) {
      assert.doesNotMatch(
        aadText(code),
        /interaction_required|consent_required|login_required|bad_token/,
        String(code),
      );
    }
  });
});
