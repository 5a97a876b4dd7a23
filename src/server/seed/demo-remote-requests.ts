/**
 * [11/12] The demo region's remote-diagnosis requests, a few in each state (REMOTE-5), made on the first start
 * through the API itself — as the community doctor, the centres' reading doctors and the patients would — so
 * every row, file, signature, audit event and notification is what the real paths make. The ECG and DICOM
 * files are the shared test data (`../shared/testdata`, `YUNYI_DEMO_TESTDATA`); without them the requests
 * that need a file stay `requested` (waiting for the upload).
 *
 * - 王秀英: 12-lead ECG (PTB s0010_re, acute inferolateral MI) read by 武建平, critical value raised,
 *   acknowledged by 龙晓梅, signed;
 * - 李娜: DICOM 12-lead ECG waveform, urgent, in the ECG centre's queue; MR study signed by 常卫东;
 * - 王秀英: CT study in the imaging centre's queue; electrolytes and renal function signed by 乔慧 (potassium
 *   high, not critical);
 * - 张伟: a full blood count whose specimen was rejected (haemolysed) — waiting for a re-draw; an ECG
 *   request waiting for its upload; a lipid panel cancelled.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { DEMO_PASSWORD } from './region-data.js';

interface Client {
  token: string;
  call<T = Record<string, unknown>>(method: string, url: string, body?: unknown): Promise<T>;
  upload<T = Record<string, unknown>>(url: string, files: { name: string; bytes: Buffer }[]): Promise<T>;
}

function expectOk(res: LightMyRequestResponse, what: string): void {
  if (res.statusCode >= 300)
    throw new Error(`demo remote seed: ${what} answered ${res.statusCode} ${res.body}`);
}

async function login(app: FastifyInstance, phone: string): Promise<Client> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { phone, password: DEMO_PASSWORD },
  });
  expectOk(res, `login ${phone}`);
  const token = (res.json() as { token?: string }).token;
  if (!token) throw new Error(`demo remote seed: login ${phone} gave no token (${res.body})`);
  const headers = { authorization: `Bearer ${token}` };
  return {
    token,
    async call(method, url, body) {
      const r = await app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(body === undefined ? {} : { payload: body as object }),
      });
      expectOk(r, `${method} ${url}`);
      return r.body ? r.json() : ({} as never);
    },
    async upload(url, files) {
      const form = new FormData();
      for (const f of files) form.append('file', new Blob([new Uint8Array(f.bytes)]), f.name);
      const encoded = new Response(form);
      const payload = Buffer.from(await encoded.arrayBuffer());
      const r = await app.inject({
        method: 'POST',
        url,
        headers: { ...headers, 'content-type': encoded.headers.get('content-type')! },
        payload,
      });
      expectOk(r, `upload ${url}`);
      return r.json();
    },
  };
}

interface Created {
  id: string;
  accessionNo: string;
}

export async function seedRemoteDemoRequests(
  app: FastifyInstance,
  testdataDir: string,
  log: (msg: string) => void,
): Promise<void> {
  const files = existsSync(path.join(testdataDir, 'ecg', 's0010_re.hea')) ? testdataDir : null;
  if (!files) log(`remote demo: no test data at ${testdataDir}; ECG and imaging requests wait for uploads`);
  const read = (rel: string) => ({
    name: path.basename(rel),
    bytes: readFileSync(path.join(testdataDir, rel)),
  });

  const gp = await login(app, '13900000004'); // 龙晓梅, 青石社区卫生服务中心
  const ecgReader = await login(app, '13900000005'); // 武建平, 区域心电诊断中心
  const imagingReader = await login(app, '13900000006'); // 常卫东, 区域影像诊断中心
  const labReader = await login(app, '13900000007'); // 乔慧, 区域医学检验中心
  const centres = await gp.call<{ items: { id: string; type: string }[] }>(
    'GET',
    '/api/v1/diagnostic-centres',
  );
  const centre = (type: string) => centres.items.find((c) => c.type === type)!.id;

  // Each patient shows their electronic health card at the desk; the doctor scans it (REMOTE-2: consent).
  const patients = new Map<string, Client>();
  const cardOf = async (phone: string) => {
    const patient = patients.get(phone) ?? (await login(app, phone));
    patients.set(phone, patient);
    return (await patient.call<{ qr: string; patientId: string }>('GET', '/api/v1/health-cards/self')) as {
      qr: string;
      patientId: string;
    };
  };
  const consent = { by: 'patient', method: 'written', confirmed: true };
  const request = async (phone: string, body: Record<string, unknown>): Promise<Created> => {
    const card = await cardOf(phone);
    return gp.call<Created>('POST', '/api/v1/diagnostic-requests', {
      patientId: card.patientId,
      cardCode: card.qr,
      consent,
      ...body,
    });
  };

  // 王秀英: the MI ECG, read, critical value raised and acknowledged, signed.
  const mi = await request('13800000003', {
    centreId: centre('ecg_centre'),
    kind: 'ecg',
    modality: 'ECG',
    urgency: 'urgent',
    question: '胸闷、胸痛 2 小时，伴出汗，请协助判读心电图。',
    history: '高血压、2 型糖尿病多年，青霉素类过敏。',
  });
  if (files) {
    const ecg = await gp.upload<{ id: string }>(`/api/v1/diagnostic-requests/${mi.id}/ecg`, [
      read('ecg/s0010_re.hea'),
      read('ecg/s0010_re.dat'),
      read('ecg/s0010_re.xyz'),
    ]);
    const m = await ecgReader.call<{ heartRate: number | null }>('GET', `/api/v1/ecg/${ecg.id}/measurements`);
    await ecgReader.call('POST', `/api/v1/diagnostic-requests/${mi.id}/claim`);
    await ecgReader.call('POST', `/api/v1/diagnostic-requests/${mi.id}/report`, {
      findings: `窦性心律，心率 ${Math.round(m.heartRate ?? 0)} 次/分。II、III、aVF 及 V5、V6 导联 ST 段抬高，I、aVL 导联 ST 段压低。`,
      conclusion: '急性下侧壁心肌梗死，请立即处置并转诊胸痛中心。',
      recommendations: '立即拨打 120，嚼服阿司匹林（无禁忌时），尽快转上级医院行再灌注治疗。',
      critical: true,
      criticalNote: '急性 ST 段抬高型心肌梗死',
      measurements: { heartRate: Math.round(m.heartRate ?? 0), heartRateConfirmed: true, rhythm: '窦性心律' },
    });
    const alerts = await gp.call<{ items: { id: string; requestId: string }[] }>(
      'GET',
      '/api/v1/critical-alerts?status=open',
    );
    const alert = alerts.items.find((a) => a.requestId === mi.id);
    if (alert)
      await gp.call('POST', `/api/v1/critical-alerts/${alert.id}/acknowledge`, {
        note: '已电话通知患者家属，120 转运',
      });
    await ecgReader.call('POST', `/api/v1/diagnostic-requests/${mi.id}/sign`);
  }

  // 李娜: a DICOM 12-lead ECG, urgent, waiting in the ECG centre's queue.
  const waveform = await request('13800000002', {
    centreId: centre('ecg_centre'),
    kind: 'ecg',
    modality: 'ECG',
    urgency: 'urgent',
    question: '心悸 1 天，请判读心电图。',
  });
  if (files)
    await gp.upload(`/api/v1/diagnostic-requests/${waveform.id}/ecg`, [read('dicom/waveform_ecg.dcm')]);

  // 李娜: an MR study read and signed.
  const mr = await request('13800000002', {
    centreId: centre('imaging_centre'),
    kind: 'imaging',
    modality: 'MR',
    urgency: 'routine',
    question: '头痛 2 周，请诊断头颅 MR。',
  });
  if (files) {
    await gp.upload(`/api/v1/diagnostic-requests/${mr.id}/images`, [read('dicom/MR_small.dcm')]);
    await imagingReader.call('POST', `/api/v1/diagnostic-requests/${mr.id}/claim`);
    await imagingReader.call('POST', `/api/v1/diagnostic-requests/${mr.id}/report`, {
      findings: '所见层面脑实质信号未见明确异常，脑室系统无扩大，中线结构居中。',
      conclusion: '头颅 MR 平扫未见明显异常。',
      recommendations: '结合临床，必要时随访。',
      critical: false,
    });
    await imagingReader.call('POST', `/api/v1/diagnostic-requests/${mr.id}/sign`);
  }

  // 王秀英: a CT study in the imaging centre's queue.
  const ct = await request('13800000003', {
    centreId: centre('imaging_centre'),
    kind: 'imaging',
    modality: 'CT',
    urgency: 'routine',
    question: '咳嗽 3 周，请诊断胸部 CT。',
    history: '高血压、2 型糖尿病。',
  });
  if (files) await gp.upload(`/api/v1/diagnostic-requests/${ct.id}/images`, [read('dicom/CT_small.dcm')]);

  // 王秀英: electrolytes and renal function, through the whole chain of custody, signed.
  const lab = await request('13800000003', {
    centreId: centre('lab_centre'),
    kind: 'lab',
    panels: ['ELEC', 'RENAL'],
    urgency: 'routine',
    question: '糖尿病肾病随访，复查电解质与肾功能。',
  });
  const specimen = await gp.call<{ barcode: string }>(
    'POST',
    `/api/v1/diagnostic-requests/${lab.id}/specimens`,
    {},
  );
  await gp.call('POST', `/api/v1/specimens/${specimen.barcode}/events`, { step: 'packed' });
  await labReader.call('POST', `/api/v1/specimens/${specimen.barcode}/events`, { step: 'picked_up' });
  await labReader.call('POST', `/api/v1/specimens/${specimen.barcode}/events`, { step: 'received' });
  await labReader.call('POST', `/api/v1/diagnostic-requests/${lab.id}/claim`);
  const panels = await labReader.call<{ items: { code: string; analytes: { code: string }[] }[] }>(
    'GET',
    '/api/v1/lab-panels',
  );
  const demoValues: Record<string, string> = {
    K: '5.6',
    NA: '139',
    CL: '101',
    CA: '2.31',
    CREA: '118',
    UREA: '8.1',
    UA: '402',
  };
  const results = panels.items
    .filter((p) => p.code === 'ELEC' || p.code === 'RENAL')
    .flatMap((p) =>
      p.analytes.map((a) => ({ panel: p.code, code: a.code, value: demoValues[a.code] ?? '1.0' })),
    );
  await labReader.call('PUT', `/api/v1/diagnostic-requests/${lab.id}/results`, { results });
  await labReader.call('POST', `/api/v1/diagnostic-requests/${lab.id}/report`, {
    findings: '血钾轻度升高，肌酐、尿素轻度升高。',
    conclusion: '轻度高钾血症；肾功能轻度受损，符合糖尿病肾病表现。',
    recommendations: '低钾饮食，复查电解质；内分泌科随访。',
    critical: false,
  });
  await labReader.call('POST', `/api/v1/diagnostic-requests/${lab.id}/sign`);

  // 张伟: a full blood count rejected at reception (haemolysed): waiting for a re-draw.
  const cbc = await request('13800000001', {
    centreId: centre('lab_centre'),
    kind: 'lab',
    panels: ['CBC'],
    urgency: 'routine',
    question: '乏力 1 月，查血常规。',
  });
  const tube = await gp.call<{ barcode: string }>(
    'POST',
    `/api/v1/diagnostic-requests/${cbc.id}/specimens`,
    {},
  );
  await gp.call('POST', `/api/v1/specimens/${tube.barcode}/events`, { step: 'packed' });
  await labReader.call('POST', `/api/v1/specimens/${tube.barcode}/events`, { step: 'picked_up' });
  await labReader.call('POST', `/api/v1/specimens/${tube.barcode}/events`, { step: 'received' });
  await labReader.call('POST', `/api/v1/specimens/${tube.barcode}/events`, {
    step: 'rejected',
    reason: 'haemolysed',
  });

  // 张伟: an ECG waiting for its upload, and a lipid panel cancelled.
  await request('13800000001', {
    centreId: centre('ecg_centre'),
    kind: 'ecg',
    modality: 'ECG',
    urgency: 'routine',
    question: '体检发现心电图异常，请复核。',
  });
  const lipid = await request('13800000001', {
    centreId: centre('lab_centre'),
    kind: 'lab',
    panels: ['LIPID'],
    urgency: 'routine',
    question: '高血压随访，复查血脂。',
  });
  await gp.call('POST', `/api/v1/diagnostic-requests/${lipid.id}/cancel`, {
    reason: '患者今日未空腹，改日再查',
  });
}
