import type { AppContext } from '../src/server/platform/context.js';
import { newId } from '../src/server/platform/ids.js';
import type { VisitView } from '../src/shared/visits.js';
import type { BenchPatient } from './booking-setup.js';
import type { ChatPatient } from './chat-load.js';
import { progress } from './stats.js';

export interface ApiAnswer<T> {
  status: number;
  body: T & { code?: string; detail?: string };
}

/** One JSON request to the server; `path` is absolute (`/api/v1/…`, `/sim-gateway/…`). */
export async function api<T>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<ApiAnswer<T>> {
  const res = await fetch(new URL(path, base), {
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

function expect<T>(what: string, answer: ApiAnswer<T>, status: number): T {
  if (answer.status !== status)
    throw new Error(
      `${what} answered ${answer.status} ${answer.body.code ?? ''} ${answer.body.detail ?? ''}`,
    );
  return answer.body;
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the order of the results. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

export interface Doctor {
  token: string;
  practitionerId: string;
}

export async function loginDoctor(base: string, phone: string, password: string): Promise<Doctor> {
  const login = expect(
    'doctor login',
    await api<{ token: string }>(base, 'POST', '/api/v1/auth/login', { phone, password }),
    200,
  );
  const me = expect(
    'GET /me',
    await api<{ practitionerId?: string }>(base, 'GET', '/api/v1/me', undefined, login.token),
    200,
  );
  if (!me.practitionerId) throw new Error(`${phone} is not a practitioner`);
  return { token: login.token, practitionerId: me.practitionerId };
}

/**
 * The evidence a follow-up rests on (VISIT-1): an offline I10 diagnosis at 云川医院 (YC-H01) cardiology by
 * the doctor, one per patient, as the demo seed writes 张伟's (source `seed`), in one multi-row insert.
 */
export async function giveOfflineDiagnoses(
  ctx: AppContext,
  patients: BenchPatient[],
  practitionerId: string,
) {
  const dept = await ctx.db
    .selectFrom('department as d')
    .innerJoin('institution as i', 'i.id', 'd.institution_id')
    .select(['d.id', 'd.institution_id'])
    .where('i.code', '=', 'YC-H01')
    .where('d.code', '=', 'CARD')
    .executeTakeFirstOrThrow();
  const now = ctx.clock.now();
  for (let start = 0; start < patients.length; start += 1000) {
    await ctx.db
      .insertInto('offline_diagnosis')
      .values(
        patients.slice(start, start + 1000).map((p) => ({
          id: newId(),
          patient_id: p.patientId,
          institution_id: dept.institution_id,
          department_id: dept.id,
          practitioner_id: practitionerId,
          icd10: 'I10',
          name: '原发性高血压',
          diagnosed_at: '2026-03-12',
          source: 'seed',
          created_at: now,
        })),
      )
      .execute();
  }
}

/**
 * Each patient's follow-up with the doctor, the product's way over HTTP: request it (`POST /visits`), pay
 * the order on the simulated gateway (`POST /orders/{id}/pay`, then the cashier's confirm, whose signed
 * notification comes back to the server over HTTP), wait until it is queued, and the doctor starts it.
 */
export async function openVisits(
  base: string,
  patients: BenchPatient[],
  doctor: Doctor,
): Promise<ChatPatient[]> {
  let done = 0;
  return mapLimit(patients, 10, async (p, i) => {
    const created = expect(
      `POST /visits (patient ${i})`,
      await api<{ id: string; status: string; orderId?: string }>(
        base,
        'POST',
        '/api/v1/visits',
        {
          type: 'follow_up',
          doctorId: doctor.practitionerId,
          conditionCode: 'I10',
          description: '高血压复诊，压测',
          consent: true,
        },
        p.token,
      ),
      201,
    );
    if (!created.orderId) throw new Error(`visit ${created.id} has no order to pay (fee 0?)`);
    const pay = expect(
      `POST /orders/${created.orderId}/pay`,
      await api<{ prepayId: string; cashierUrl: string }>(
        base,
        'POST',
        `/api/v1/orders/${created.orderId}/pay`,
        { channel: 'sim' },
        p.token,
      ),
      200,
    );
    // The cashier's 确认支付 button: POST <cashierUrl>/confirm (sim-gateway.routes.ts).
    const confirm = expect(
      'sim cashier confirm',
      await api<{ status: string }>(base, 'POST', `${new URL(pay.cashierUrl, base).pathname}/confirm`),
      200,
    );
    if (confirm.status !== 'paid') throw new Error(`the sim cashier answered ${confirm.status}`);
    for (let tries = 0; ; tries++) {
      const v = expect(
        `GET /visits/${created.id}`,
        await api<VisitView>(base, 'GET', `/api/v1/visits/${created.id}`, undefined, p.token),
        200,
      );
      if (v.status === 'waiting') break;
      if (tries > 200) throw new Error(`visit ${created.id} is still ${v.status} after paying`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const started = expect(
      `POST /visits/${created.id}/start`,
      await api<VisitView>(base, 'POST', `/api/v1/visits/${created.id}/start`, undefined, doctor.token),
      200,
    );
    if (started.status !== 'in_progress') throw new Error(`visit ${created.id} is ${started.status}`);
    if (++done % 50 === 0) progress(`setup: ${done}/${patients.length} visits paid and started`);
    return { token: p.token, visitId: created.id };
  });
}
