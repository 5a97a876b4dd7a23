/**
 * [11/12] The DICOMweb subset (PS3.18) checked by someone else's code: the maintained `dicomweb-client`
 * (OHIF's) against a real listening server stores a study as a modality would (the accession number from
 * its worklist), searches it, retrieves its metadata, the instance, a decoded frame and a rendered image;
 * dicom-parser and sharp check what came back. Access: the request's two institutions only (REMOTE-5).
 */

import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { dicomFile, makeRequest } from '../support/imaging.js';

const require = createRequire(import.meta.url);
const { api } = require('dicomweb-client') as typeof import('dicomweb-client');
const dicomParser = require('dicom-parser') as typeof import('dicom-parser');
const dcmjs = require('dcmjs') as {
  data: {
    DicomMessage: { readFile(b: ArrayBuffer): { dict: Record<string, unknown>; write(): ArrayBuffer } };
  };
  log: { setLevel(l: string): void };
};
dcmjs.log.setLevel('error');
// dicomweb-client is written for the browser: Node gets XMLHttpRequest from xhr2.
(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = require('xhr2');

type Json = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>;
// The package's generated declarations mark optional options as required: the calls are typed loosely here.
type Call = (options?: Record<string, unknown>) => Promise<unknown>;
type Client = Record<
  | 'storeInstances'
  | 'searchForStudies'
  | 'searchForSeries'
  | 'searchForInstances'
  | 'retrieveStudyMetadata'
  | 'retrieveInstanceMetadata'
  | 'retrieveInstance'
  | 'retrieveInstanceFrames'
  | 'retrieveInstanceRendered'
  | 'retrieveInstanceFramesRendered',
  Call
>;

let t: TestApp;
let base: string;
const tokens: Record<string, string> = {};
const client = (who: string): Client =>
  new api.DICOMwebClient({
    url: `${base}/dicomweb`,
    headers: { Authorization: `Bearer ${tokens[who]}` },
    verbose: false,
    singlepart: false,
  }) as unknown as Client;

/** The file as a modality sends it after the worklist: AccessionNumber (0008,0050) set, in memory. */
function withAccession(name: string, accessionNo: string): ArrayBuffer {
  const bytes = dicomFile(name);
  const message = dcmjs.data.DicomMessage.readFile(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
  );
  message.dict['00080050'] = { vr: 'SH', Value: [accessionNo] };
  return message.write();
}

const CT = {
  study: '1.3.6.1.4.1.5962.1.2.1.20040119072730.12322',
  series: '1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322',
  sop: '1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322',
};
const J2K = {
  study: '1.3.6.1.4.1.5962.1.2.8.20040826185059.5457',
  series: '1.3.6.1.4.1.5962.1.3.8.1.20040826185059.5457',
  sop: '1.3.6.1.4.1.5962.1.1.8.1.3.20040826185059.5457',
};
let ctRequest: Awaited<ReturnType<typeof makeRequest>>;
let ctBytes: ArrayBuffer;

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  tokens.gp = await t.login('13900000004'); // 龙晓梅, YC-C01, the requester
  tokens.reader = await t.login('13900000006'); // 常卫东, YC-I01, the imaging centre
  tokens.otherGp = await t.login('13900000003'); // 段志刚, YC-C02
  tokens.ecgReader = await t.login('13900000005'); // 武建平, YC-E01, another centre
  tokens.patient = await t.login('13800000001');
});
afterAll(() => t.close());

describe('DICOMweb with dicomweb-client (PS3.18, REMOTE-5)', () => {
  it('STOW-RS stores the instance whose accession number names the request, refuses the stranger one (202)', async () => {
    ctRequest = await makeRequest(t);
    ctBytes = withAccession('CT_small.dcm', ctRequest.accessionNo);
    const unknown = withAccession('MR_small.dcm', 'RD-NO-SUCH-REQUEST');
    const response = await client('gp').storeInstances({ datasets: [ctBytes, unknown] });
    const body = JSON.parse(String(response)) as Json;
    const referenced = body['00081199']!.Value as Json[];
    const failed = body['00081198']!.Value as Json[];
    expect(referenced.map((r) => r['00081155']!.Value)).toEqual([[CT.sop]]);
    expect(failed).toHaveLength(1);
    expect(failed[0]!['00081197']!.Value).toEqual([0x0124]); // Refused: not authorized (no such request of ours)
    const row = await t.ctx.db
      .selectFrom('diagnostic_request')
      .select('status')
      .where('id', '=', ctRequest.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('ready');
  });

  it('STOW-RS answers 409 with the FailedSOPSequence when nothing is stored', async () => {
    const ecgRequest = await makeRequest(t, { kind: 'ecg', centre: 'YC-E01' });
    const error = await client('gp')
      .storeInstances({ datasets: [withAccession('MR_small.dcm', ecgRequest.accessionNo)] })
      .then(
        () => null,
        (e: { status: number; response: string }) => e,
      );
    expect(error?.status).toBe(409);
    const body = JSON.parse(String(error?.response)) as Json;
    expect((body['00081198']!.Value as Json[])[0]!['00081197']!.Value).toEqual([0x0124]);
    expect(body['00081199']).toBeUndefined();
  });

  it('QIDO-RS finds the study, its series and its instance', async () => {
    const studies = (await client('gp').searchForStudies({
      queryParams: { AccessionNumber: ctRequest.accessionNo },
    })) as Json[];
    expect(studies).toHaveLength(1);
    const s = studies[0]!;
    expect(s['0020000D']!.Value).toEqual([CT.study]);
    expect(s['00080061']!.Value).toEqual(['CT']);
    expect(s['00201208']!.Value).toEqual([1]);
    expect(s['00080050']!.Value).toEqual([ctRequest.accessionNo]);
    const series = (await client('gp').searchForSeries({ studyInstanceUID: CT.study })) as Json[];
    expect(series.map((x) => [x['0020000E']!.Value, x['00080060']!.Value])).toEqual([[[CT.series], ['CT']]]);
    const instances = (await client('reader').searchForInstances({
      studyInstanceUID: CT.study,
      seriesInstanceUID: CT.series,
    })) as Json[];
    expect(instances.map((x) => x['00080018']!.Value)).toEqual([[CT.sop]]);
    const res = await fetch(`${base}/dicomweb/studies?ModalitiesInStudy=MR`, {
      headers: { authorization: `Bearer ${tokens.gp}` },
    });
    expect(res.headers.get('content-type')).toContain('application/dicom+json');
    expect(((await res.json()) as Json[]).some((x) => x['0020000D']!.Value?.[0] === CT.study)).toBe(false);
  });

  it('WADO-RS metadata is the DICOM JSON model without the pixels', async () => {
    const [meta] = (await client('reader').retrieveStudyMetadata({ studyInstanceUID: CT.study })) as Json[];
    expect(meta!['00280010']).toEqual({ vr: 'US', Value: [128] });
    expect(meta!['00080050']!.Value).toEqual([ctRequest.accessionNo]);
    expect(meta!['7FE00010']!.BulkDataURI).toContain(`/instances/${CT.sop}/frames/1`);
    expect(meta!['7FE00010']!.Value).toBeUndefined();
    const [one] = (await client('gp').retrieveInstanceMetadata({
      studyInstanceUID: CT.study,
      seriesInstanceUID: CT.series,
      sopInstanceUID: CT.sop,
    })) as Json[];
    expect(one!['00080018']!.Value).toEqual([CT.sop]);
  });

  it('WADO-RS returns the stored Part 10 file and the decoded frame', async () => {
    const uids = { studyInstanceUID: CT.study, seriesInstanceUID: CT.series, sopInstanceUID: CT.sop };
    const file = (await client('reader').retrieveInstance(uids)) as ArrayBuffer;
    expect(Buffer.from(file).equals(Buffer.from(ctBytes))).toBe(true);
    const ds = dicomParser.parseDicom(new Uint8Array(file));
    expect(ds.string('x00080050')).toBe(ctRequest.accessionNo);
    const frames = (await client('reader').retrieveInstanceFrames({
      ...uids,
      frameNumbers: [1],
    })) as ArrayBuffer[];
    expect(frames).toHaveLength(1);
    const px = ds.elements.x7fe00010!;
    const raw = Buffer.from(file, px.dataOffset, px.length);
    expect(frames[0]!.byteLength).toBe(128 * 128 * 2);
    expect(Buffer.from(frames[0]!).equals(raw)).toBe(true);
  });

  it('WADO-RS renders a PNG by default and a JPEG when asked, with a window', async () => {
    const uids = { studyInstanceUID: CT.study, seriesInstanceUID: CT.series, sopInstanceUID: CT.sop };
    const [png] = (await client('gp').retrieveInstanceRendered(uids)) as ArrayBuffer[];
    const pngBytes = Buffer.from(png!);
    expect(pngBytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(await sharp(pngBytes).metadata()).toMatchObject({ format: 'png', width: 128, height: 128 });
    const [jpeg] = (await client('gp').retrieveInstanceFramesRendered({
      ...uids,
      frameNumbers: [1],
      mediaTypes: [{ mediaType: 'image/jpeg' }],
      queryParams: { window: '40,400,linear' },
    })) as ArrayBuffer[];
    expect(await sharp(Buffer.from(jpeg!)).metadata()).toMatchObject({
      format: 'jpeg',
      width: 128,
      height: 128,
    });
    // Another window gives another picture.
    const [narrow] = (await client('gp').retrieveInstanceRendered({
      ...uids,
      queryParams: { window: '0,50,linear' },
    })) as ArrayBuffer[];
    expect(Buffer.from(narrow!).equals(pngBytes)).toBe(false);
    const bad = await fetch(
      `${base}/dicomweb/studies/${CT.study}/series/${CT.series}/instances/${CT.sop}/rendered?window=40,0`,
      {
        headers: { authorization: `Bearer ${tokens.gp}` },
      },
    );
    expect(bad.status).toBe(400);
  });

  it('stores, decodes and renders the JPEG 2000 study', async () => {
    const req = await makeRequest(t);
    const stored = JSON.parse(
      String(
        await client('gp').storeInstances({ datasets: [withAccession('JPEG2000.dcm', req.accessionNo)] }),
      ),
    ) as Json;
    expect((stored['00081199']!.Value as Json[])[0]!['00081155']!.Value).toEqual([J2K.sop]);
    const uids = { studyInstanceUID: J2K.study, seriesInstanceUID: J2K.series, sopInstanceUID: J2K.sop };
    const [frame] = (await client('reader').retrieveInstanceFrames({
      ...uids,
      frameNumbers: [1],
    })) as ArrayBuffer[];
    expect(frame!.byteLength).toBe(256 * 1024 * 2);
    const [png] = (await client('reader').retrieveInstanceRendered(uids)) as ArrayBuffer[];
    expect(await sharp(Buffer.from(png!)).metadata()).toMatchObject({ width: 256, height: 1024 });
  });

  it('another community centre and another centre see nothing (404); a patient is 403; no token 401', async () => {
    for (const who of ['otherGp', 'ecgReader']) {
      const found = (await client(who).searchForStudies()) as Json[] | undefined;
      expect((found ?? []).some((s) => s['0020000D']!.Value?.[0] === CT.study)).toBe(false);
      const status = await client(who)
        .retrieveStudyMetadata({ studyInstanceUID: CT.study })
        .then(
          () => 200,
          (e: { status: number }) => e.status,
        );
      expect(status).toBe(404);
      const frame = await fetch(
        `${base}/dicomweb/studies/${CT.study}/series/${CT.series}/instances/${CT.sop}/rendered`,
        {
          headers: { authorization: `Bearer ${tokens[who]}` },
        },
      );
      expect(frame.status).toBe(404);
    }
    const patient = await fetch(`${base}/dicomweb/studies`, {
      headers: { authorization: `Bearer ${tokens.patient}` },
    });
    expect(patient.status).toBe(403);
    expect((await fetch(`${base}/dicomweb/studies`)).status).toBe(401);
  });

  it('answers 406 for a media type it cannot give, and audits every read as the patient’s exams', async () => {
    const res = await fetch(`${base}/dicomweb/studies/${CT.study}/metadata`, {
      headers: { authorization: `Bearer ${tokens.gp}`, accept: 'image/png' },
    });
    expect(res.status).toBe(406);
    const reads = await t.ctx.db
      .selectFrom('audit_event')
      .select(['details', 'actor_id'])
      .where('action', '=', 'record.read')
      .where('patient_id', '=', ctRequest.patientId)
      .execute();
    const what = new Set(reads.map((r) => (r.details as { what: string; category: string }).what));
    for (const w of [
      'dicomweb:studies',
      'dicomweb:metadata',
      'dicomweb:frames',
      'dicomweb:rendered',
      'dicomweb:instances:retrieve',
    ])
      expect(what).toContain(w);
    expect(reads.every((r) => (r.details as { category: string }).category === 'exams')).toBe(true);
  });
});
