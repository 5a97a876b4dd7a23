/**
 * [11/12] The demo region's remote diagnosis (基层检查、上级诊断, seed 001): cooperation agreements between
 * every community centre and station and the three regional centres (REMOTE-1).
 */
import type { Tx } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import type { SeedIds } from './demo-prescriptions.js';
import { INSTITUTIONS } from './region-data.js';

const CENTRE_KINDS = { ecg_centre: ['ecg'], imaging_centre: ['imaging'], lab_centre: ['lab'] } as const;

export async function seedRemote(trx: Tx, ids: SeedIds, now: Date): Promise<void> {
  const centres = INSTITUTIONS.filter((i) => i.type in CENTRE_KINDS);
  const primary = INSTITUTIONS.filter((i) => i.type === 'community_centre' || i.type === 'community_station');
  let n = 0;
  for (const c of centres) {
    for (const p of primary) {
      n += 1;
      await trx
        .insertInto('service_agreement')
        .values({
          id: newId(),
          requester_institution_id: ids.institutions.get(p.code)!,
          centre_institution_id: ids.institutions.get(c.code)!,
          kinds: [...CENTRE_KINDS[c.type as keyof typeof CENTRE_KINDS]],
          agreement_no: `YCYC-2025-${String(n).padStart(3, '0')}`,
          valid_from: '2025-01-01',
          valid_to: '2027-12-31',
          created_at: now,
        })
        .execute();
    }
  }
}
