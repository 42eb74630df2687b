// Prints the longest functions (every function-like node, inner closures included) under the given
// files or folders, e.g. `npm run sizes -- app bridge` — the figure issue #14 tracks ("a function should
// fit on a screen unless it is a table"). TOP=30 prints more rows.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const top = Number(process.env.TOP ?? 15);
const files = [];
const walk = (p) => {
  if (statSync(p).isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p);
};
(process.argv.length > 2 ? process.argv.slice(2) : ['app', 'bridge']).forEach(walk);

const isFunction = (n) =>
  ts.isFunctionDeclaration(n) ||
  ts.isMethodDeclaration(n) ||
  ts.isArrowFunction(n) ||
  ts.isFunctionExpression(n) ||
  ts.isGetAccessor(n) ||
  ts.isSetAccessor(n);

function nameOf(node) {
  const own = node.name?.getText();
  if (own) return own;
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))) return parent.name.getText();
  return '<anonymous>';
}

const rows = [];
for (const file of files) {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node, owner) => {
    let name = owner;
    if (isFunction(node)) {
      const start = src.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = src.getLineAndCharacterOfPosition(node.getEnd()).line;
      name = owner ? `${owner} > ${nameOf(node)}` : nameOf(node);
      rows.push({ lines: end - start + 1, where: `${file}:${start + 1}`, name });
    }
    ts.forEachChild(node, (child) => visit(child, name));
  };
  visit(src, '');
}
rows.sort((a, b) => b.lines - a.lines);
for (const r of rows.slice(0, top)) console.log(String(r.lines).padStart(5), r.where, r.name);
