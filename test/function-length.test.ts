/**
 * House rule: no function in workflows/ or api/ is longer than 150 lines. A longer one hides
 * the process it tells; split it into named steps (see workflows/psychiatric/workflow.ts).
 *
 * Every function-like node counts (function declarations and expressions, arrow functions,
 * methods, constructors and accessors), nested ones too; a function's length is from its first
 * line to its last, both included. Nothing is excluded.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../config/index.js';

const MAX_LINES = 150;
const FOLDERS = ['workflows', 'api'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** A readable name: the declaration's own, or what the function is assigned to or passed to. */
function nameOf(node: ts.SignatureDeclaration, sf: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(sf);
  if (ts.isBinaryExpression(parent)) return parent.left.getText(sf);
  if (ts.isCallExpression(parent)) {
    const arg = parent.arguments.indexOf(node as unknown as ts.Expression);
    return `(function passed to ${parent.expression.getText(sf)}, argument ${arg + 1})`;
  }
  return '(anonymous)';
}

function isFunctionLike(node: ts.Node): node is ts.SignatureDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** Every function over the limit in one file's text, as `file:line name (n lines)`. */
function longFunctions(file: string, text: string, max = MAX_LINES): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(node)) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      const lines = last - first + 1;
      if (lines > max) found.push(`${file}:${first} ${nameOf(node, sf)} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('function length', () => {
  it('the check finds every kind of function over the limit, nested ones too, and counts first to last line', () => {
    const body = (n: number) => Array.from({ length: n - 2 }, (_, i) => `    x(${i});`).join('\n');
    const text = [
      `function declared() {\n${body(MAX_LINES)}\n}`, // exactly the limit: allowed
      `function longer() {\n${body(MAX_LINES + 1)}\n}`,
      `const arrow = () => {\n${body(MAX_LINES + 1)}\n};`,
      `const expr = function () {\n${body(MAX_LINES + 1)}\n};`,
      `class C {\n  method() {\n${body(MAX_LINES + 1)}\n  }\n}`,
      `setHandler(update, async () => {\n${body(MAX_LINES + 1)}\n});`,
    ].join('\n');
    const lineOf = (s: string) => text.slice(0, text.indexOf(s)).split('\n').length;
    expect(longFunctions('probe.ts', text)).toEqual([
      `probe.ts:${lineOf('function longer')} longer (${MAX_LINES + 1} lines)`,
      `probe.ts:${lineOf('() => {')} arrow (${MAX_LINES + 1} lines)`,
      `probe.ts:${lineOf('function () {')} expr (${MAX_LINES + 1} lines)`,
      `probe.ts:${lineOf('method()')} method (${MAX_LINES + 1} lines)`,
      `probe.ts:${lineOf('async () => {')} (function passed to setHandler, argument 2) (${MAX_LINES + 1} lines)`,
    ]);
  });

  it(`no function in ${FOLDERS.join('/ or ')}/ is over ${MAX_LINES} lines`, () => {
    const offenders = FOLDERS.flatMap((folder) => tsFiles(path.join(projectRoot, folder))).flatMap((file) =>
      longFunctions(path.relative(projectRoot, file), readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
