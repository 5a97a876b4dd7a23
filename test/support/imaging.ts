/**
 * Imaging test helpers: a remote-diagnosis request made straight in the database (the rows the request API
 * writes: the seeded agreement between the community centre and the imaging centre), the staff's ids by
 * phone, and DICOM files from the shared test data.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { newId } from '../../src/server/platform/ids.js';
import type { TestApp } from './app.js';

export const dicomFile = (name: string) => readFileSync(path.resolve('../shared/testdata/dicom', name));

export async function staffByPhone(t: TestApp, phone: string) {
  return t.ctx.db
    .selectFrom('account')
    .select(['id', 'practitioner_id', 'institution_id'])
    .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', phone))
    .executeTakeFirstOrThrow();
}

export const institutionId = async (t: TestApp, code: string) =>
  (await t.ctx.db.selectFrom('institution').select('id').where('code', '=', code).executeTakeFirstOrThrow())
    .id;

let serial = 0;

/** An imaging (or other kind) request from 龙晓梅 at YC-C01 to the centre `centreCode` for 张伟. */
export async function makeRequest(
  t: TestApp,
  opts: {
    kind?: 'imaging' | 'ecg';
    centre?: string;
    status?: 'requested' | 'ready' | 'claimed' | 'signed';
  } = {},
) {
  const gp = await staffByPhone(t, '13900000004');
  const requester = await institutionId(t, 'YC-C01');
  const centre = await institutionId(t, opts.centre ?? 'YC-I01');
  const agreement = await t.ctx.db
    .selectFrom('service_agreement')
    .select('id')
    .where('requester_institution_id', '=', requester)
    .where('centre_institution_id', '=', centre)
    .executeTakeFirstOrThrow();
  const patient = await t.ctx.db
    .selectFrom('patient')
    .select('id')
    .where('name', '=', '张伟')
    .executeTakeFirstOrThrow();
  const now = t.clock.now();
  const id = newId();
  const accessionNo = `RD${now.toISOString().slice(0, 10).replace(/-/g, '')}${String(++serial).padStart(4, '0')}${id.slice(-4)}`;
  const kind = opts.kind ?? 'imaging';
  const status = opts.status ?? 'requested';
  const started = status !== 'requested';
  await t.ctx.db
    .insertInto('diagnostic_request')
    .values({
      id,
      accession_no: accessionNo,
      patient_id: patient.id,
      requester_institution_id: requester,
      requester_practitioner_id: gp.practitioner_id!,
      requester_account_id: gp.id,
      centre_institution_id: centre,
      agreement_id: agreement.id,
      kind,
      modality: kind === 'imaging' ? 'CT' : 'ECG',
      urgency: 'routine',
      question: '咳嗽两周，排除肺部病变',
      history: null,
      consent: JSON.stringify({
        by: 'patient',
        method: 'written',
        recordedAt: now.toISOString(),
        recordedBy: gp.id,
      }),
      status,
      material_at: started ? now : null,
      target_at: started ? new Date(now.getTime() + 3600_000) : null,
      claimed_by:
        status === 'claimed' || status === 'signed'
          ? (await staffByPhone(t, '13900000006')).practitioner_id
          : null,
      claimed_at: status === 'claimed' || status === 'signed' ? now : null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, accessionNo, patientId: patient.id };
}

/** How many files the blob store holds under remote/dicom (a refused upload must add none). */
export function storedDicomFiles(t: TestApp): number {
  const dir = path.join(t.ctx.config.visits.attachmentDir, 'remote', 'dicom');
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.dcm') && statSync(path.join(dir, f)).isFile()).length;
  } catch {
    return 0;
  }
}

/** A multipart/form-data body of these files. */
export function formData(files: { name: string; bytes: Buffer }[]) {
  const boundary = `----yunyi-test-${newId()}`;
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: application/dicom\r\n\r\n`,
      ),
      f.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
