import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateFilter, filterUsage, FilterSyntaxError, parseFilter } from '../../emulator/graph/odata/filter.ts';

const msg = {
  subject: "Q3 budget — O'Brien",
  isRead: false,
  importance: 'high',
  receivedDateTime: '2026-03-10T09:00:00Z',
  from: { emailAddress: { address: 'Megan@contoso.onmicrosoft.com', name: 'Megan Bowen' } },
  categories: ['Red category'],
  toRecipients: [{ emailAddress: { address: 'adele@contoso.onmicrosoft.com' } }],
  size: 42,
  flag: null,
};
const test = (f: string): boolean => evaluateFilter(parseFilter(f), msg);

void describe('graph emulator: $filter parser and evaluator', () => {
  void it('compares booleans, numbers and strings case-insensitively', () => {
    assert.equal(test('isRead eq false'), true);
    assert.equal(test('isRead eq true'), false);
    assert.equal(test('size gt 41 and size le 42'), true);
    assert.equal(test("importance eq 'HIGH'"), true);
    assert.equal(test("importance ne 'high'"), false);
  });

  void it('walks navigation paths and escaped quotes', () => {
    assert.equal(test("from/emailAddress/address eq 'megan@contoso.onmicrosoft.com'"), true);
    assert.equal(test("subject eq 'Q3 budget — O''Brien'"), true);
  });

  void it('compares unquoted ISO date-times as instants', () => {
    assert.equal(test('receivedDateTime ge 2026-03-10T00:00:00Z'), true);
    assert.equal(test('receivedDateTime ge 2026-03-10T10:00:00+00:00'), false);
    assert.equal(test('receivedDateTime lt 2026-03-11'), true);
  });

  void it('supports functions, not, or, parentheses and null', () => {
    assert.equal(test("startswith(subject,'q3')"), true);
    assert.equal(test("endswith(subject,'brien')"), true);
    assert.equal(test("contains(subject,'budget')"), true);
    assert.equal(test("not startswith(subject,'x')"), true);
    assert.equal(test("(isRead eq true or importance eq 'high') and size eq 42"), true);
    assert.equal(test('flag eq null'), true);
    assert.equal(test('missingProp eq null'), true);
  });

  void it('evaluates any/all lambdas over collections', () => {
    assert.equal(test("categories/any(c:c eq 'Red category')"), true);
    assert.equal(test("categories/any(c:c eq 'Blue category')"), false);
    assert.equal(test("toRecipients/any(r:r/emailAddress/address eq 'adele@contoso.onmicrosoft.com')"), true);
    assert.equal(test("toRecipients/all(r:startswith(r/emailAddress/address,'x'))"), false);
  });

  void it('reports properties in order of appearance and the operators used', () => {
    const u = filterUsage(
      parseFilter("receivedDateTime ge 2026-01-01 and isRead eq false and categories/any(c:c eq 'x')"),
    );
    assert.deepEqual(u.properties, ['receivedDateTime', 'isRead', 'categories']);
    assert.deepEqual([...u.operators].sort(), ['and', 'any', 'eq', 'ge']);
  });

  void it('rejects malformed filters with FilterSyntaxError', () => {
    for (const bad of [
      "subject eq 'unterminated",
      'isRead eq',
      'startswith(subject)',
      "frobnicate(subject,'a')",
      '(isRead eq true',
      'isRead eq true)',
    ]) {
      assert.throws(() => parseFilter(bad), FilterSyntaxError, bad);
    }
  });
});
