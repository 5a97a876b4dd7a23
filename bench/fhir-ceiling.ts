import type pg from 'pg';
import { sm3Hex } from '../src/server/platform/crypto/hash.js';

/** One read for the ceiling: the reader's token and what they read. */
export interface CeilingRead {
  token: string;
  accountId: string;
  patientId: string;
  /** Patient/{patientId} when null, else Observation/{observationId}. */
  observationId: string | null;
}

export interface CeilingOutput {
  wallMs: number;
  latenciesMs: number[];
  /** Reads whose resource or session was not found (must be 0). */
  missing: number;
}

/**
 * The least a FHIR read of one's own data can cost the database: the server's four round trips for it as
 * raw SQL, values known in advance and nothing done with the rows — the session look-up by token hash, the
 * reader's own patients (self and proxy, for masking and the access check), the resource, and its
 * `record.read` audit row (autocommit, as the server writes it; details channel `bench-ceiling`, so the
 * bench's audit count of FHIR reads is not disturbed). Parameterised queries on a pg Pool as the server
 * uses (no named prepared statements), `concurrency` callers queueing for `pool.max` connections. No HTTP,
 * no Fastify, no Kysely, no JSON: what the server adds is the difference.
 */
export async function runReadCeiling(
  db: pg.Pool,
  reads: readonly CeilingRead[],
  concurrency: number,
): Promise<CeilingOutput> {
  const out: CeilingOutput = { wallMs: 0, latenciesMs: [], missing: 0 };
  const hashes = reads.map((r) => sm3Hex(`session:${r.token}`));
  const one = async (r: CeilingRead, tokenHash: string) => {
    const t0 = performance.now();
    const session = await db.query(
      `select s.id, s.account_id, s.is_staff, s.expires_at, s.last_seen_at, s.revoked_at, a.roles, a.status,
              a.institution_id, a.practitioner_id
         from auth_session s join account a on a.id = s.account_id where s.token_hash = $1`,
      [tokenHash],
    );
    await db.query(
      `select id, 'self' as relation from patient where account_id = $1
       union all
       select patient_id as id, 'proxy' as relation from family_proxy
        where proxy_account_id = $2 and status = $3`,
      [r.accountId, r.accountId, 'active'],
    );
    const found =
      r.observationId === null
        ? await db.query(
            `select p.id, p.name, p.id_number_enc, p.birth_date, p.sex, a.phone_enc,
                    date_trunc('milliseconds', greatest(p.created_at, p.verified_at)) as updated
               from patient p left join account a on a.id = p.account_id where p.id = $1`,
            [r.patientId],
          )
        : await db.query(
            `select o.id, o.patient_id, o.report_id, o.category, o.code_system, o.code, o.name, o.value_num,
                    o.value_text, o.unit, o.ref_low, o.ref_high, o.ref_text, o.flag, o.status, o.effective_at,
                    o.updated_at, r.encounter_id, r.issued_at
               from observation o left join diagnostic_report r on r.id = o.report_id where o.id = $1`,
            [r.observationId],
          );
    await db.query(
      `insert into audit_event (occurred_at, actor_id, actor_role, action, outcome, resource_type, resource_id,
                                patient_id, ip, details)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        new Date(),
        r.accountId,
        'patient',
        'record.read',
        'success',
        r.observationId === null ? 'basic' : 'labs',
        r.observationId ?? r.patientId,
        r.patientId,
        '127.0.0.1',
        JSON.stringify({
          category: r.observationId === null ? 'basic' : 'labs',
          what: r.observationId === null ? 'fhir:Patient' : 'fhir:Observation',
          relationship: 'self',
          channel: 'bench-ceiling',
        }),
      ],
    );
    if (session.rowCount !== 1 || found.rowCount !== 1) out.missing++;
    out.latenciesMs.push(performance.now() - t0);
  };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < reads.length) {
        const i = next++;
        await one(reads[i]!, hashes[i]!);
      }
    }),
  );
  out.wallMs = performance.now() - started;
  return out;
}
