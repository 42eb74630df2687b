/**
 * The dependency rules in ARCHITECTURE.md are enforced by eslint.config.mjs. This test lints small
 * violating (and allowed) fixtures as if they lived in each folder, so a rule that stops firing —
 * or starts firing on allowed code — fails the build instead of silently rotting.
 *
 * Each fixture in test/fixtures/lint/ starts with `// as: <repo path>` and `// expect: <rule>|none`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const fixturesDir = join(root, 'test/fixtures/lint');

// Boundary rules are syntactic; type information is switched off so fixtures need no tsconfig entry.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [
    { files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked },
    { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ],
});

interface Fixture {
  file: string;
  as: string;
  expect: string;
  code: string;
}

function loadFixtures(): Fixture[] {
  return readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((file) => {
      const code = readFileSync(join(fixturesDir, file), 'utf8');
      const as = /^\/\/ as: (\S+)/m.exec(code)?.[1];
      const expect = /^\/\/ expect: (\S+)/m.exec(code)?.[1];
      if (as === undefined || expect === undefined) throw new Error(`${file}: missing "// as:" or "// expect:" header`);
      return { file, as, expect, code };
    });
}

const fixtures = loadFixtures();

test('there is a fixture for every boundary rule', () => {
  const rules = new Set(fixtures.map((f) => f.expect));
  for (const rule of [
    'no-restricted-imports',
    '@typescript-eslint/no-restricted-imports',
    'no-console',
    'no-restricted-globals',
    'no-restricted-syntax',
    'none',
  ]) {
    assert.ok(rules.has(rule), `no fixture expects ${rule}`);
  }
});

for (const fixture of fixtures) {
  test(`${fixture.file} linted as ${fixture.as} → ${fixture.expect}`, async () => {
    const [result] = await eslint.lintText(fixture.code, { filePath: join(root, fixture.as) });
    assert.ok(result, 'eslint returned no result');
    const fired = result.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
    if (fixture.expect === 'none') {
      assert.deepEqual(fired, [], `expected no lint errors for allowed code in ${fixture.as}`);
    } else {
      assert.ok(
        result.messages.some((m) => m.ruleId === fixture.expect && m.severity === 2),
        `expected ${fixture.expect} to fire as an error in ${fixture.as}; got ${JSON.stringify(fired)}`,
      );
    }
  });
}
