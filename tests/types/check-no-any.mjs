// Fails when a public type of the package is, or contains, `any`: every export of js/index.d.ts and
// js/callback.d.ts is walked with the TypeScript compiler's checker (properties, methods, call and construct
// signatures, parameters, returns, type arguments, constraints, index signatures, base types), so an `any`
// written anywhere, an implicit one (a parameter without a type) and an unresolved name (the checker's error
// type) are all found. Types from TypeScript's own lib (Promise, Record, Error, …) are not walked into, only
// their type arguments: `Promise<any>` is found, Promise's own `any`s are not ours; a third party's
// non-generic alias (React's `ReactNode`) is not walked into either. `unknown` is fine.
//
//   node tests/types/check-no-any.mjs [index.d.ts callback.d.ts …]   (default: the package's two)

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DECLARATIONS = ['js/index.d.ts', 'js/protocol.d.ts', 'js/callback.d.ts', 'js/react.d.ts'].map((f) =>
  path.join(root, f),
);

const OPTIONS = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
};

/**
 * Every place an export of `files` is or contains `any`, as `file: Export.member → …: any` lines.
 * `overrides` (file name → text) replaces files' contents in memory (the self-test uses it). Also returns
 * how many exports were walked and the compiler's own errors in the declarations (which fail too).
 */
export function findAny(files = DECLARATIONS, overrides = {}) {
  const host = ts.createCompilerHost(OPTIONS, true);
  const read = host.getSourceFile.bind(host);
  const normalized = new Map(Object.entries(overrides).map(([f, t]) => [path.resolve(f), t]));
  host.getSourceFile = (name, lang, onError, create) => {
    const text = normalized.get(path.resolve(name));
    return text === undefined ? read(name, lang, onError, create) : ts.createSourceFile(name, text, lang, true);
  };
  const program = ts.createProgram(files, OPTIONS, host);
  const checker = program.getTypeChecker();
  const ours = new Set(files.map((f) => path.resolve(f)));
  const isOurs = (decl) => ours.has(path.resolve(decl.getSourceFile().fileName));
  const findings = [];
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && ours.has(path.resolve(d.file.fileName)))
    .map((d) => {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${path.relative(root, d.file.fileName)}:${line + 1}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
  let exportsWalked = 0;

  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`cannot read ${file}`);
    const rel = path.relative(root, file);

    // Written `any`, wherever it is (also in a declaration that is not exported).
    const syntactic = (node) => {
      if (node.kind === ts.SyntaxKind.AnyKeyword) {
        const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
        findings.push(`${rel}:${line + 1}: \`any\` written in the declarations`);
      }
      ts.forEachChild(node, syntactic);
    };
    syntactic(sf);

    // What the checker makes of every export.
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) throw new Error(`${rel} is not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      exportsWalked++;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const seen = new Set();
      const report = (where) => findings.push(`${rel}: ${where}: any`);

      const walkSignature = (sig, where) => {
        for (const tp of sig.getTypeParameters() ?? []) walk(tp, `${where}<${tp.symbol.name}>`);
        for (const p of sig.getParameters()) {
          const decl = p.valueDeclaration ?? p.declarations?.[0];
          walk(decl ? checker.getTypeOfSymbolAtLocation(p, decl) : checker.getTypeOfSymbol(p), `${where}(${p.name})`);
        }
        walk(sig.getReturnType(), `${where} →`);
      };

      const walk = (type, where) => {
        if (!type) return;
        if (type.flags & ts.TypeFlags.Any) return report(where); // before `seen`: there is one `any` type
        if (seen.has(type)) return;
        seen.add(type);
        // A type named by a non-generic alias declared outside the package (React's `ReactNode`) is that
        // library's whole: nothing in it was written here (its `ReactElement<unknown,
        // JSXElementConstructor<any>>` is React's choice), as a lib type's members are not ours.
        const alias = type.aliasSymbol;
        if (alias && !type.aliasTypeArguments?.length && !(alias.declarations ?? []).some(isOurs)) return;
        for (const arg of type.aliasTypeArguments ?? []) walk(arg, `${where}<>`);
        if (type.flags & ts.TypeFlags.UnionOrIntersection) {
          for (const t of type.types) walk(t, where);
          return;
        }
        if (type.flags & ts.TypeFlags.TypeParameter) {
          walk(checker.getBaseConstraintOfType(type), `${where} extends`);
          const dflt = type.getDefault?.();
          if (dflt) walk(dflt, `${where} =`);
          return;
        }
        if (type.flags & ts.TypeFlags.IndexedAccess) {
          walk(type.objectType, where);
          walk(type.indexType, `${where}[]`);
          return;
        }
        if (type.flags & ts.TypeFlags.Index) return walk(type.type, `keyof ${where}`);
        if (type.flags & ts.TypeFlags.Conditional) {
          walk(type.checkType, where);
          walk(type.extendsType, where);
          return;
        }
        if (!(type.flags & ts.TypeFlags.Object)) return;
        if (type.objectFlags & ts.ObjectFlags.Reference) {
          for (const arg of checker.getTypeArguments(type)) walk(arg, `${where}<>`);
        }
        // Only types declared in the package's files are walked into; a lib type's members are not ours.
        const decls = type.symbol?.declarations ?? [];
        if (decls.length > 0 && !decls.some(isOurs)) return;
        for (const prop of checker.getPropertiesOfType(type)) {
          const decl = prop.valueDeclaration ?? prop.declarations?.[0];
          if (decl && !isOurs(decl)) continue; // inherited from a lib type (Error's message, stack, …)
          walk(
            decl ? checker.getTypeOfSymbolAtLocation(prop, decl) : checker.getTypeOfSymbol(prop),
            `${where}.${prop.name}`,
          );
        }
        for (const sig of type.getCallSignatures()) walkSignature(sig, `${where}()`);
        for (const sig of type.getConstructSignatures()) walkSignature(sig, `new ${where}()`);
        for (const info of checker.getIndexInfosOfType(type)) {
          walk(info.keyType, `${where}[key]`);
          walk(info.type, `${where}[]`);
        }
        if (type.objectFlags & (ts.ObjectFlags.Class | ts.ObjectFlags.Interface)) {
          for (const base of checker.getBaseTypes(type)) walk(base, `${where} extends`);
        }
      };

      const name = exported.name;
      const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
      if (symbol.flags & (ts.SymbolFlags.Type | ts.SymbolFlags.Class)) {
        walk(checker.getDeclaredTypeOfSymbol(symbol), name);
      }
      if (symbol.flags & ts.SymbolFlags.Value && decl) {
        walk(
          checker.getTypeOfSymbolAtLocation(symbol, decl),
          symbol.flags & ts.SymbolFlags.Class ? `typeof ${name}` : name,
        );
      }
    }
  }
  return { findings: [...new Set(findings)], exportsWalked, diagnostics };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => path.resolve(f)) : DECLARATIONS;
  const { findings, exportsWalked, diagnostics } = findAny(files);
  for (const line of [...diagnostics, ...findings]) console.error(line);
  console.log(
    `no-any: ${exportsWalked} exports walked, ${findings.length} any, ${diagnostics.length} errors in the declarations`,
  );
  process.exit(findings.length || diagnostics.length ? 1 : 0);
}
