import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/**
 * No export that nothing imports: an export says "others use this", and one that nobody uses is either
 * dead code or a name that should stay private to its file. The compiler checks unused locals; this
 * checks exports, across src and the tests. What a host loads by itself (the extension's activate and
 * deactivate) is exempt.
 */
const repo = path.resolve(__dirname, '../../../..');
const hostEntryPoints = new Set(['src/extension.ts::activate', 'src/extension.ts::deactivate']);

function typescriptFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'fixtures') files.push(...typescriptFiles(full));
    } else if (entry.name.endsWith('.ts')) {
      files.push(full);
    }
  }
  return files;
}

/** The .ts file a relative module specifier names, if it is one of ours. */
function resolveModule(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
}

interface ModuleFacts {
  exported: string[];
  /** `file::name` for every name this file imports or re-exports from another of our files. */
  used: string[];
  /** Files whose every export this file reaches (`import * as`, `export *`). */
  whole: string[];
}

function moduleFacts(file: string): ModuleFacts {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const facts: ModuleFacts = { exported: [], used: [], whole: [] };
  const use = (target: string | undefined, name: string) => target && facts.used.push(`${target}::${name}`);
  for (const statement of source.statements) {
    const modifiers = ts.canHaveModifiers(statement) ? (ts.getModifiers(statement) ?? []) : [];
    if (modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) facts.exported.push(declaration.name.text);
      } else {
        const name = (statement as ts.DeclarationStatement).name;
        if (name && ts.isIdentifier(name)) facts.exported.push(name.text);
      }
    }
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const target = resolveModule(file, statement.moduleSpecifier.text);
      const clause = statement.importClause;
      if (!target || !clause) continue;
      if (clause.name) use(target, 'default');
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) facts.whole.push(target);
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) use(target, (element.propertyName ?? element.name).text);
    }
    if (ts.isExportDeclaration(statement)) {
      const target = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? resolveModule(file, statement.moduleSpecifier.text) : undefined;
      if (statement.exportClause && ts.isNamedExports(statement.exportClause)) {
        for (const element of statement.exportClause.elements) {
          use(target, (element.propertyName ?? element.name).text);
          facts.exported.push(element.name.text);
        }
      } else if (target) {
        facts.whole.push(target);
      }
    }
  }
  // Types named in `import('./x').Name` positions.
  for (const match of source.text.matchAll(/import\(['"](\.[^'"]+)['"]\)\.(\w+)/g)) use(resolveModule(file, match[1]), match[2]);
  return facts;
}

describe('exports', () => {
  it('every export of src is imported by another file (src or tests)', () => {
    const sources = typescriptFiles(path.join(repo, 'src'));
    const everything = [...sources, ...typescriptFiles(path.join(repo, 'test'))];
    const facts = new Map(everything.map((file) => [file, moduleFacts(file)]));
    const used = new Set([...facts.values()].flatMap((fact) => fact.used));
    const whole = new Set([...facts.values()].flatMap((fact) => fact.whole));
    const unused = sources
      .filter((file) => !whole.has(file))
      .flatMap((file) => facts.get(file)!.exported.map((name) => `${path.relative(repo, file)}::${name}`).filter((id) => !used.has(`${path.join(repo, id.split('::')[0])}::${id.split('::')[1]}`)))
      .filter((id) => !hostEntryPoints.has(id));
    assert.deepEqual(unused, [], `exported but imported nowhere (make them private to their file, or remove them):\n${unused.join('\n')}`);
  });
});
