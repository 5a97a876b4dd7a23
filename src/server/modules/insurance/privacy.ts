import type { Executor } from '../../platform/db/database.js';

/**
 * Insurance's part of the patient's deletion request ([10/12]; 会计档案管理办法): settlements are kept 30
 * years; family-wallet links end (kept, ended: past settlements paid through them point at them).
 */
export async function insuranceFootprint(
  db: Executor,
  patientId: string,
): Promise<{ settlements: number; walletLinks: number }> {
  const s = await db
    .selectFrom('insurance_settlement')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patient_id', '=', patientId)
    .executeTakeFirstOrThrow();
  const w = await db
    .selectFrom('family_wallet_link')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) =>
      eb.or([eb('payer_patient_id', '=', patientId), eb('beneficiary_patient_id', '=', patientId)]),
    )
    .where('status', 'in', ['requested', 'active'])
    .executeTakeFirstOrThrow();
  return { settlements: Number(s.n), walletLinks: Number(w.n) };
}

export async function endWalletLinks(db: Executor, patientId: string, now: Date): Promise<number> {
  const res = await db
    .updateTable('family_wallet_link')
    .set({ status: 'revoked', ended_at: now })
    .where((eb) =>
      eb.or([eb('payer_patient_id', '=', patientId), eb('beneficiary_patient_id', '=', patientId)]),
    )
    .where('status', 'in', ['requested', 'active'])
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
