import { randomInt } from 'node:crypto';
import type { Insertable } from 'kysely';
import { resolveSession } from '../src/server/modules/identity/session.service.js';
import type { AppContext } from '../src/server/platform/context.js';
import { randomToken, sm3Hex } from '../src/server/platform/crypto/hash.js';
import type { DB } from '../src/server/platform/db/schema.js';
import { newId } from '../src/server/platform/ids.js';
import { checkIdNumber, idCheckChar, shanghaiDate } from '../src/shared/identity.js';

/** A schedule the bench released, with what the raw-SQL ceiling needs to write an appointment. */
export interface BenchSchedule {
  id: string;
  doctorId: string;
  doctorName: string;
  date: string;
  capacity: number;
  feeFen: number;
}

/** One schedule set: `spread` schedules of `perSchedule` tokens each, plus one hot schedule. */
export interface ScheduleSet {
  spread: BenchSchedule[];
  hot: BenchSchedule;
}

export interface SetShape {
  schedules: number;
  perSchedule: number;
  hotCapacity: number;
}

async function api<T>(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as T & { code?: string; detail?: string };
  return { status: res.status, body: json };
}

interface Doctor {
  id: string;
  name: string;
  kind: string;
  institution: { id: string };
}

/**
 * Releases schedule sets through the API as the institution administrator (POST /schedules), so the
 * schedules, tokens and audit rows are exactly what the product makes. Dates are 1–6 days ahead
 * (Asia/Shanghai), inside the 7-day release window; a doctor gets one-hour sessions at different hours
 * of a day, and an hour that overlaps an existing schedule is skipped.
 */
export async function releaseScheduleSets(
  base: string,
  admin: { phone: string; password: string },
  shape: SetShape,
  sets: number,
): Promise<ScheduleSet[]> {
  const login = await api<{ token: string }>(base, 'POST', '/auth/login', admin);
  if (login.status !== 200) throw new Error(`admin login answered ${login.status} ${login.body.code}`);
  const token = login.body.token;
  const me = await api<{ institutionId: string | null }>(base, 'GET', '/me', undefined, token);
  const institutionId = me.body.institutionId;
  if (!institutionId) throw new Error('the administrator has no institution');
  const doctors: Doctor[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `/doctors?institutionId=${institutionId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: { status: number; body: { items: Doctor[]; nextCursor: string | null; code?: string } } =
      await api(base, 'GET', q);
    if (page.status !== 200) throw new Error(`GET ${q} answered ${page.status} ${page.body.code ?? ''}`);
    doctors.push(...page.body.items.filter((d) => d.kind === 'doctor' && d.institution.id === institutionId));
    cursor = page.body.nextCursor;
  } while (cursor);
  if (doctors.length === 0) throw new Error('no doctors at the administrator’s institution');

  // Candidate (doctor, day, hour) sessions: all doctors on a day-hour before the next hour or day.
  function* candidates() {
    for (let hour = 8; hour < 22; hour++)
      for (let day = 1; day <= 6; day++)
        for (const doctor of doctors) {
          const date = shanghaiDate(new Date(Date.now() + day * 86_400_000));
          const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
          yield { doctor, date, startTime: hh(hour), endTime: hh(hour + 1) };
        }
  }
  const hours = candidates();
  const create = async (capacity: number): Promise<BenchSchedule> => {
    for (;;) {
      const next = hours.next();
      if (next.done) throw new Error('ran out of free doctor-hours for bench schedules');
      const { doctor, date, startTime, endTime } = next.value;
      const res = await api<{ id: string; feeFen: number; capacity: number; quotas: { public: number } }>(
        base,
        'POST',
        '/schedules',
        {
          doctorId: doctor.id,
          date,
          startTime,
          endTime,
          mode: 'offline',
          capacity,
          quotas: { referral: 0, partner: 0 },
        },
        token,
      );
      if (res.status === 409 && res.body.code === 'SCHEDULE_OVERLAP') continue;
      if (res.status !== 201) throw new Error(`POST /schedules answered ${res.status} ${res.body.detail}`);
      if (res.body.quotas.public !== capacity) throw new Error('bench schedules must be all public tokens');
      return {
        id: res.body.id,
        doctorId: doctor.id,
        doctorName: doctor.name,
        date,
        capacity,
        feeFen: res.body.feeFen,
      };
    }
  };
  const out: ScheduleSet[] = [];
  for (let s = 0; s < sets; s++) {
    const spread: BenchSchedule[] = [];
    for (let i = 0; i < shape.schedules; i++) spread.push(await create(shape.perSchedule));
    out.push({ spread, hot: await create(shape.hotCapacity) });
  }
  return out;
}

export interface BenchPatient {
  accountId: string;
  patientId: string;
  /** Bearer token of a live patient session; empty when made without one. */
  token: string;
}

/**
 * A valid resident ID number (ID-2) for bench patient n: region 530102, birth dates from 1950-01-01 on,
 * 999 sequence numbers per birth date (test/support/people.ts's `testIdNumber` has 19 980 in all).
 */
function benchIdNumber(n: number): string {
  const birth = new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 999) * 86_400_000);
  const ymd = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `530102${ymd}${String((n % 999) + 1).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

const CHUNK = 1000;

/**
 * Real-name verified patients, made straight in the database with multi-row inserts: the same rows as
 * account creation, `insertVerifiedPatient` and `createSession` (test/support/people.ts makes them one
 * by one). Sessions are checked with the server's own `resolveSession`, so a drift in how tokens are
 * stored fails here rather than as 401s under load.
 */
export async function makeBenchPatients(
  ctx: AppContext,
  count: number,
  opts: { sessions: boolean; offset: number },
): Promise<BenchPatient[]> {
  const now = ctx.clock.now();
  const out: BenchPatient[] = [];
  for (let start = 0; start < count; start += CHUNK) {
    const accounts: Insertable<DB['account']>[] = [];
    const patients: Insertable<DB['patient']>[] = [];
    const sessions: Insertable<DB['auth_session']>[] = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++) {
      const n = opts.offset + i;
      const phone = `170${String(n % 100_000_000).padStart(8, '0')}`;
      const name = `压测患者${n}`;
      const id = checkIdNumber(benchIdNumber(n), now);
      if (!id.ok) throw new Error(`bench ID number ${n} is invalid: ${id.problem}`);
      const accountId = newId();
      const patientId = newId();
      accounts.push({
        id: accountId,
        phone_enc: ctx.cipher.encrypt(phone),
        phone_bidx: ctx.cipher.blindIndex('phone', phone),
        password_hash: null,
        name,
        roles: ['patient'],
        institution_id: null,
        practitioner_id: null,
        created_at: now,
      });
      patients.push({
        id: patientId,
        account_id: accountId,
        name,
        id_number_enc: ctx.cipher.encrypt(id.idNumber),
        id_number_bidx: ctx.cipher.blindIndex('id_number', id.idNumber),
        birth_date: id.birthDate,
        sex: id.sex,
        verified_at: now,
        created_at: now,
      });
      let token = '';
      if (opts.sessions) {
        token = randomToken();
        sessions.push({
          id: newId(),
          // As session.service.ts stores it: only the SM3 hash of the token.
          token_hash: sm3Hex(`session:${token}`),
          account_id: accountId,
          is_staff: false,
          created_at: now,
          expires_at: new Date(now.getTime() + ctx.config.auth.patientSessionTtlMs),
          last_seen_at: now,
        });
      }
      out.push({ accountId, patientId, token });
    }
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('account').values(accounts).execute();
      await trx.insertInto('patient').values(patients).execute();
      if (sessions.length > 0) await trx.insertInto('auth_session').values(sessions).execute();
    });
  }
  if (opts.sessions && out.length > 0) {
    const auth = await resolveSession(ctx, out[0]!.token);
    if (auth?.accountId !== out[0]!.accountId) throw new Error('bench sessions do not resolve');
  }
  return out;
}

/** A random starting number for bench patients, so several runs can share one kept database. */
export const patientOffset = () => randomInt(0, 5_000_000);
