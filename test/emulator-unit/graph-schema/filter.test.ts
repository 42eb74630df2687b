import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkFilter, tokenizeFilter } from '../../graph-schema/filter.ts';
import { loadGraphSchema } from '../../graph-schema/load.ts';

const schema = loadGraphSchema();
const MESSAGE = 'microsoft.graph.message';
const texts = (type: string, f: string, caseInsensitive = false): string[] =>
  checkFilter(schema, type, f, { caseInsensitive }).map((i) => i.text);

void describe('graph schema: $filter member paths', () => {
  void it('tokenises literals (strings with doubled quotes, dates, GUIDs, typed enums) apart from paths', () => {
    const tokens = tokenizeFilter(
      "subject eq 'O''Brien' and receivedDateTime ge 2026-01-01T00:00:00Z and id eq 5f0c8e7a-1b2c-4d5e-8f90-a1b2c3d4e5f6 and importance eq microsoft.graph.importance'high'",
    );
    assert.deepEqual(
      tokens.filter((t) => t.t === 'path').map((t) => t.v),
      ['subject', 'eq', 'and', 'receivedDateTime', 'ge', 'and', 'id', 'eq', 'and', 'importance', 'eq'],
    );
    assert.equal(tokens.filter((t) => t.t === 'lit').length, 4);
  });

  void it('accepts existing paths, functions, lambdas over complex and primitive collections, $count', () => {
    for (const f of [
      "startswith(subject,'Q3') and isRead eq false",
      "from/emailAddress/address eq 'a@b.com' or not(hasAttachments eq true)",
      "categories/any(c: c eq 'Red')",
      "toRecipients/any(r: r/emailAddress/address eq 'a@b.com') and ccRecipients/all(x: x/emailAddress/name ne 'z')",
      'attachments/$count gt 0',
      "flag/flagStatus eq 'flagged'",
      "singleValueExtendedProperties/any(ep: ep/id eq 'String 0x1' and ep/value eq 'x')",
    ]) {
      assert.deepEqual(texts(MESSAGE, f), [], f);
    }
    assert.deepEqual(texts('microsoft.graph.user', "proxyAddresses/any(p: startswith(p, 'smtp:'))"), []);
  });

  void it('names every unknown member, inside lambdas too, and scopes lambda variables', () => {
    assert.deepEqual(texts(MESSAGE, "subjekt eq 'x' and from/emailAddress/adress eq 'y'"), [
      '`$filter` (`subjekt`): no property `subjekt` on microsoft.graph.message',
      '`$filter` (`from/emailAddress/adress`): no property `adress` on microsoft.graph.emailAddress',
    ]);
    assert.deepEqual(texts(MESSAGE, "toRecipients/any(r: r/name eq 'x')"), [
      '`$filter` (`r/name`): no property `name` on microsoft.graph.recipient',
    ]);
    // After the lambda closes, `r` is a (missing) property of message again.
    assert.deepEqual(texts(MESSAGE, "toRecipients/any(r: r/emailAddress/name eq 'x') and r eq 1"), [
      '`$filter` (`r`): no property `r` on microsoft.graph.message',
    ]);
    assert.deepEqual(texts(MESSAGE, "categories/any(c: c/name eq 'x')"), [
      '`$filter` (`c/name`): `c` is a Edm.String value; it has no members',
    ]);
    assert.deepEqual(texts(MESSAGE, "frobnicate(subject) eq 'x'"), [
      '`$filter`: `frobnicate(…)` is not an OData function',
    ]);
    assert.deepEqual(texts(MESSAGE, "subject eq 'unterminated"), [
      '`$filter`: cannot parse: unterminated string literal',
    ]);
  });

  void it('matches names case-insensitively only when asked (the emulator), reporting the missing member', () => {
    assert.equal(texts(MESSAGE, 'IsRead eq true').length, 1);
    assert.deepEqual(texts(MESSAGE, 'IsRead eq true', true), []);
    const [issue] = checkFilter(schema, MESSAGE, 'nope eq 1', { caseInsensitive: true });
    assert.deepEqual(issue?.missing, { name: 'nope', type: MESSAGE });
  });
});
