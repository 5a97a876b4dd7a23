/**
 * [11/12] Races of the remote-diagnosis core, on PostgreSQL only (PGlite serialises transactions): two
 * reading doctors claiming the same request at once — exactly one wins, the other 409 ALREADY_CLAIMED, one
 * claimed_by (REMOTE-4) — and requests made at once never share an accession number.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { describeOnPostgres, itOnPostgres } from '../support/db.js';
import {
  CONSENT,
  cardCode,
  ecgRequest,
  institutionIdOf,
  materialArrives,
  PHONE,
  patientIdOf,
  staffAccount,
} from '../support/remote-core.js';

let t: TestApp;
const tok = { gp: '', ecg: '', second: '', zhang: '' };
let zhang = '';
let centre = '';

describeOnPostgres('remote-diagnosis races (PostgreSQL)', () => {
  beforeAll(async () => {
    t = await createTestApp({ seed: true });
    tok.gp = await t.login(PHONE.gp);
    tok.ecg = await t.login(PHONE.ecg);
    tok.zhang = await t.login(PHONE.zhang);
    // A second qualified reader at the ECG centre.
    tok.second = (
      await staffAccount(t, {
        kind: 'doctor',
        likePractitionerOfPhone: PHONE.ecg,
        name: '乔建国',
        practiceSince: 2010,
      })
    ).token;
    zhang = await patientIdOf(t, '张伟');
    centre = await institutionIdOf(t, 'YC-E01');
  }, 240_000);
  afterAll(async () => t?.close());

  describe('claims', () => {
    itOnPostgres(
      'REMOTE-4: two readers claim at once — one 200, one 409 ALREADY_CLAIMED, one claimed_by',
      async () => {
        for (let round = 0; round < 5; round++) {
          const req = await ecgRequest(t, tok.gp, tok.zhang, zhang, centre);
          await materialArrives(t, req.id);
          const [a, b] = await Promise.all(
            [tok.ecg, tok.second].map((token) =>
              t.request('POST', `/api/v1/diagnostic-requests/${req.id}/claim`, { token }),
            ),
          );
          const statuses = [a!.statusCode, b!.statusCode].sort();
          expect(statuses, `${a!.body} ${b!.body}`).toEqual([200, 409]);
          const loser = a!.statusCode === 409 ? a! : b!;
          expect(loser.json().code).toBe('ALREADY_CLAIMED');
          const winner = a!.statusCode === 200 ? a! : b!;
          const row = await t.ctx.db
            .selectFrom('diagnostic_request')
            .select(['status', 'claimed_by'])
            .where('id', '=', req.id)
            .executeTakeFirstOrThrow();
          expect(row.status).toBe('claimed');
          expect(row.claimed_by).toBe(winner.json().claimedBy.practitionerId);
          const audits = await t.ctx.db
            .selectFrom('audit_event')
            .select('id')
            .where('action', '=', 'remote.request_claim')
            .where('resource_id', '=', req.id)
            .execute();
          expect(audits).toHaveLength(1);
        }
      },
    );
  });

  describe('accession numbers', () => {
    itOnPostgres(
      'eight requests at once get eight different accession numbers of the day, in sequence',
      async () => {
        const before = await t.ctx.db.selectFrom('diagnostic_request').select('accession_no').execute();
        // The patient at the desk: their health card, scanned once for the eight (SEC-1, PATIENT_NOT_IDENTIFIED).
        const code = await cardCode(t, tok.zhang);
        const results = await Promise.all(
          Array.from({ length: 8 }, () =>
            t.request('POST', '/api/v1/diagnostic-requests', {
              token: tok.gp,
              body: {
                patientId: zhang,
                centreId: centre,
                kind: 'ecg',
                urgency: 'routine',
                question: '心悸，请判读心电图',
                consent: CONSENT,
                cardCode: code,
              },
            }),
          ),
        );
        for (const r of results) expect(r.statusCode, r.body).toBe(201);
        const numbers = results.map((r) => r.json().accessionNo as string);
        expect(new Set(numbers).size).toBe(8);
        const all = [...before.map((b) => b.accession_no), ...numbers].sort();
        const seq = all.map((n) => Number(n.slice(10)));
        expect(seq).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      },
    );
  });
});
