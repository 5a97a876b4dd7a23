import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ADMIN_ROLES, ROLES } from '../../shared/identity.js';
import {
  CATEGORIES,
  CATEGORY_ORDER,
  CLEARANCE,
  type DataLevel,
  decide,
  ROUTES,
  routeLevel,
  TABLES,
} from './data-levels.js';
import { END, renderDataLevels, START } from './data-levels-doc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every column's level: table.column → level. */
function columnLevels(): Map<string, DataLevel> {
  const out = new Map<string, DataLevel>();
  for (const t of TABLES) {
    for (const c of t.columns) out.set(`${t.table}.${c}`, t);
    for (const [c, l] of Object.entries(t.overrides)) out.set(`${t.table}.${c}`, l);
  }
  return out;
}

describe('DJ-11: data sensitivity levels (GB/T 39725) declared once', () => {
  it('DJ-11: names each table once and each column once per table', () => {
    const names = TABLES.map((t) => t.table);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const twice = TABLES.flatMap((t) => {
      const all = [...t.columns, ...Object.keys(t.overrides)];
      return all.filter((c, i) => all.indexOf(c) !== i).map((c) => `${t.table}.${c}`);
    });
    expect(twice).toEqual([]);
  });

  it('DJ-11: levels rise with identifiability (encrypted ≥ L4, blind indexes and masked values L3, secrets L5)', () => {
    const wrong: string[] = [];
    for (const [column, l] of columnLevels()) {
      const name = column.split('.')[1]!;
      const at = `${column}: ${l.category} L${l.level}`;
      if (/_enc$/.test(name) && l.level < 4) wrong.push(`${at} (encrypted: ≥ L4)`);
      if (/(^|_)(bidx|masked)$/.test(name) && (l.level !== 3 || l.category !== 'personal'))
        wrong.push(`${at} (blind index or masked: personal L3)`);
      // A person's phone or ID number (an institution's phone is public: GB/T 39725's own L1 example).
      if (/^(id_number|phone|confirm_phone)_/.test(name) && l.category !== 'personal')
        wrong.push(`${at} (phone, ID number: personal)`);
      if (/password_hash|private_key|private_pem|^secret$/.test(name) && l.level !== 5)
        wrong.push(`${at} (a secret: L5)`);
      if (/^(psn_no|payer_psn_no|name|recipient)$/.test(name) && l.category === 'personal' && l.level < 4)
        wrong.push(`${at} (directly identifying: ≥ L4)`);
    }
    for (const t of TABLES) {
      const all = [...t.columns, ...Object.keys(t.overrides)];
      const top = Math.max(t.level, ...Object.values(t.overrides).map((o) => o.level));
      if (all.includes('patient_id') && top < 3) wrong.push(`${t.table}: names a patient, below L3`);
    }
    expect(wrong).toEqual([]);
    expect(columnLevels().get('patient.id_number_enc')).toMatchObject({ category: 'personal', level: 4 });
    expect(columnLevels().get('account.phone_enc')).toMatchObject({ category: 'personal', level: 4 });
    expect(columnLevels().get('diagnosis.icd10')).toMatchObject({ category: 'health', level: 4 });
  });

  it('DJ-11, DJ-8: the three administrators are not cleared for health, care or payment data above L2', () => {
    for (const role of ADMIN_ROLES) {
      for (const category of ['health', 'medical', 'payment'] as const) {
        expect(CLEARANCE[role][category], `${role} ${category}`).toBeLessThanOrEqual(2);
      }
      expect(decide([role], { health: 4 })).toEqual({ ok: false, category: 'health', level: 4 });
      expect(decide([role], { medical: 4 })).toEqual({ ok: false, category: 'medical', level: 4 });
    }
    // The insurer reads settlements and their lines, never health status.
    expect(decide(['insurer'], { payment: 4, medical: 4, personal: 4 })).toEqual({ ok: true });
    expect(decide(['insurer'], { health: 4 })).toMatchObject({ ok: false, category: 'health' });
  });

  it('DJ-11: a caller passes when some role is cleared for each category a route serves', () => {
    expect(decide(['patient'], { health: 4, medical: 4, personal: 4 })).toEqual({ ok: true });
    expect(decide(['doctor'], { health: 5 })).toEqual({ ok: true });
    expect(decide(['doctor'], { security: 4 })).toMatchObject({ ok: false, category: 'security' });
    expect(decide(['doctor', 'security_admin'], { security: 4, health: 4 })).toEqual({ ok: true });
    expect(decide(['audit_admin'], { security: 3, personal: 3 })).toEqual({ ok: true });
    expect(decide(['audit_admin'], { personal: 4 })).toMatchObject({ ok: false, category: 'personal' });
    expect(decide([], { resources: 1 })).toMatchObject({ ok: false });
  });

  it('DJ-11: every role has a clearance for every category; only self and anonymous routes go unchecked', () => {
    for (const role of ROLES) expect(Object.keys(CLEARANCE[role]).sort()).toEqual([...CATEGORY_ORDER].sort());
    for (const r of ROUTES) {
      expect(Object.keys(r.data).length, r.pattern).toBeGreaterThan(0);
      for (const category of Object.keys(r.data)) expect(CATEGORIES).toHaveProperty(category);
    }
  });

  it('DJ-11: route patterns match by segment, method when given, the first one winning', () => {
    expect(routeLevel('GET', '/api/v1/patients/:id')?.pattern).toBe('/api/v1/patients/:id');
    expect(routeLevel('GET', '/api/v1/patients/:id/archive')?.data).toEqual({
      health: 4,
      medical: 4,
      personal: 4,
    });
    expect(routeLevel('GET', '/api/v1/patients/:id/allergies')?.data).toEqual({ health: 4 });
    expect(routeLevel('POST', '/api/v1/admin/accounts')?.data).toMatchObject({ personal: 4 });
    expect(routeLevel('GET', '/api/v1/admin/accounts')?.data).toMatchObject({ personal: 3 });
    expect(routeLevel('GET', '/fhir/R4/Observation/_search')?.data).toEqual({ health: 4 });
    expect(routeLevel('GET', '/fhir/R4/Patient/:id/$everything')?.data).toMatchObject({ health: 4 });
    expect(routeLevel('GET', '/api/v1/nothing-here')).toBeUndefined();
    expect(routeLevel('GET', '/fhir/R4/Unknown')).toBeUndefined();
  });

  it('DJ-11: docs/security.md carries the generated tables (npm run docs:data-levels)', () => {
    const doc = readFileSync(path.join(root, 'docs/security.md'), 'utf8');
    const start = doc.indexOf(START);
    const end = doc.indexOf(END);
    expect(start, 'docs/security.md has no data-levels block: npm run docs:data-levels').toBeGreaterThan(-1);
    expect(doc.slice(start, end + END.length)).toBe(renderDataLevels());
  });
});
