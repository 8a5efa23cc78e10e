import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const projectRoot = path.resolve(__dirname, '../../../..');

function typeScriptFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const pattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...text.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3]);
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

describe('architecture', () => {
  const coreFiles = typeScriptFiles(path.join(projectRoot, 'src/core'));

  it('finds the core sources it guards', () => {
    assert.ok(coreFiles.some((file) => file.endsWith('checks.ts')));
    assert.ok(importsOf(path.join(projectRoot, 'src/core/checks/checks.ts')).some((specifier) => path.basename(specifier) === 'corpus'));
  });

  it('shows the architecture in the tree: every core file lives in the folder of its part', () => {
    const loose = fs.readdirSync(path.join(projectRoot, 'src/core'), { withFileTypes: true }).filter((entry) => !entry.isDirectory());
    assert.deepEqual(loose.map((entry) => entry.name), []);
  });

  it('keeps src/core free of the editor: no vscode import, nothing from src/vscode or src/cli', () => {
    const offenders = coreFiles.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier === 'vscode' || (specifier.startsWith('.') && !isInside(path.resolve(path.dirname(file), specifier), path.join(projectRoot, 'src/core'))))
        .map((specifier) => `${path.relative(projectRoot, file)} imports ${specifier}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('keeps src/core free of the LSP libraries: it answers in LSP shapes (vscode-languageserver-types) but never imports the server or the client', () => {
    const offenders = coreFiles.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => /^vscode-language(server|client)(\/|$)/.test(specifier))
        .map((specifier) => `${path.relative(projectRoot, file)} imports ${specifier}`),
    );
    assert.deepEqual(offenders, []);
    assert.ok(coreFiles.some((file) => importsOf(file).includes('vscode-languageserver-types')), 'the service answers in LSP types');
  });

  it('keeps the language server free of the editor: src/lsp imports neither vscode nor src/vscode', () => {
    const serverFiles = typeScriptFiles(path.join(projectRoot, 'src/lsp'));
    assert.ok(serverFiles.some((file) => file.endsWith('server.ts')));
    const offenders = serverFiles.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier === 'vscode' || specifier.startsWith('vscode-languageclient') || (specifier.startsWith('.') && isInside(path.resolve(path.dirname(file), specifier), path.join(projectRoot, 'src/vscode'))))
        .map((specifier) => `${path.relative(projectRoot, file)} imports ${specifier}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('keeps the corpus off the extension host\'s thread: src/vscode reaches the index only through the corpus worker', () => {
    // What loads, indexes, checks or searches a corpus in the calling thread; the extension host must not.
    const heavy = ['corpus', 'workspace', 'search', 'checks', 'index-store', 'segment', 'document-reader', 'quote-match', 'indexed-text'];
    const vscodeFiles = typeScriptFiles(path.join(projectRoot, 'src/vscode')).concat(path.join(projectRoot, 'src/extension.ts'));
    assert.ok(vscodeFiles.length > 5);
    const offenders = vscodeFiles.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => path.resolve(path.dirname(file), specifier))
        .filter((target) => isInside(target, path.join(projectRoot, 'src/core')) && heavy.includes(path.basename(target)))
        .map((target) => `${path.relative(projectRoot, file)} imports ${path.relative(projectRoot, target)}`),
    );
    // Type-only imports are erased at build time, so they do not pull the code in.
    const real = offenders.filter((line) => {
      const [file, , target] = line.split(' ');
      const text = fs.readFileSync(path.join(projectRoot, file), 'utf8');
      const name = path.basename(target);
      return new RegExp(`import\\s+(?!type\\b)[^;]*from\\s+['"][^'"]*/${name}['"]`).test(text);
    });
    assert.deepEqual(real, []);
  });
});
