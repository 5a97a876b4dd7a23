import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCatalogues, renderErrorsDoc } from './errors-doc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

describe('the error catalogue (one code, one status, one place)', () => {
  it('defines every code once, with one status, a zh-CN and an en-US title', async () => {
    const codes = await loadCatalogues();
    expect(codes.size).toBeGreaterThan(20);
    const twice = [...codes]
      .filter(([, entries]) => entries.length > 1)
      .map(
        ([code, entries]) =>
          `${code}: ${entries.map((e) => `${e.module}.${e.key} (${e.spec.status})`).join(', ')}`,
      );
    expect(twice).toEqual([]);
    for (const [code, [entry]] of codes) {
      const { spec } = entry!;
      expect(code, `${entry!.module}.${entry!.key}`).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
      expect(spec.status, code).toBeLessThan(600);
      expect(spec.title, code).toMatch(/[\u4e00-\u9fff]/);
      expect(spec.detail, code).toMatch(/[\u4e00-\u9fff]/);
      expect(spec.en, code).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('is the only place an AppError is made', () => {
    const inline = sources(path.join(root, 'src/server'))
      .filter((f) => !f.endsWith(path.join('platform', 'errors.ts')))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${path.relative(root, f)}:${i + 1}` }))
          .filter(({ line }) => /new AppError\(/.test(line))
          .map(({ at }) => at),
      );
    expect(inline).toEqual([]);
  });

  it('is documented in docs/errors.md, generated from the catalogue (npm run docs:errors)', async () => {
    const doc = readFileSync(path.join(root, 'docs/errors.md'), 'utf8');
    expect(doc).toBe(await renderErrorsDoc());
  });
});
