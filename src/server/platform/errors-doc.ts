import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type CatalogueEntry, catalogued } from './errors.js';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every `*.errors.ts` under src/server: importing them fills the catalogue. */
export function catalogueFiles(dir = serverDir, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) catalogueFiles(p, out);
    else if (name.endsWith('.errors.ts')) out.push(p);
  }
  return out.sort();
}

export async function loadCatalogues(): Promise<ReadonlyMap<string, readonly CatalogueEntry[]>> {
  for (const file of catalogueFiles()) await import(pathToFileURL(file).href);
  return catalogued();
}

const cell = (text: string | undefined) => (text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/errors.md, generated from the catalogues (`npm run docs:errors`); a test keeps it current. */
export async function renderErrorsDoc(): Promise<string> {
  const byModule = new Map<string, CatalogueEntry[]>();
  for (const entries of (await loadCatalogues()).values()) {
    for (const e of entries) byModule.set(e.module, [...(byModule.get(e.module) ?? []), e]);
  }
  const modules = [...byModule.keys()].sort((a, b) =>
    a === 'platform' ? -1 : b === 'platform' ? 1 : a.localeCompare(b),
  );
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from src/server/**/*.errors.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    'Every refusal is an RFC 9457 `application/problem+json` body with a stable `code`, a zh-CN `title`',
    "(en-US when the request's `Accept-Language` prefers English) and a `detail` saying what was wrong with",
    'this request. Each code has one HTTP status everywhere; clients branch on `code`, never on the text.',
    '',
  ];
  for (const module of modules) {
    const entries = byModule
      .get(module)!
      .sort((a, b) => a.spec.status - b.spec.status || a.spec.code.localeCompare(b.spec.code));
    lines.push(
      `## ${module}`,
      '',
      '| code | status | 标题 | title | 何时发生 | 用户可以做什么 |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const { spec } of entries) {
      lines.push(
        `| \`${spec.code}\` | ${spec.status} | ${cell(spec.title)} | ${cell(spec.en)} | ${cell(spec.detail)} | ${cell(spec.action)} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
