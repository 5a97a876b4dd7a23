/**
 * Signed records and what supervision sees: the exported record verifies and any change to it is detected,
 * by the API's verifier and the CLI (SEC-4, REC-2); the timeline is open to the institution and the
 * regulator with names masked (VISIT-5); the lists page and filter.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RecordFile, verifyRecordFile } from '../../src/server/platform/signing/index.js';
import {
  chen,
  finish,
  h03Admin,
  ids,
  lina,
  paidVisit,
  RECORD,
  regulator,
  setupVisitsApp,
  t,
  zhang,
} from '../support/visits.js';

setupVisitsApp();

describe('records and supervision', () => {
  it('SEC-4: the exported signed record verifies, and any change to it is detected (CLI too)', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen });
    await finish(id);
    await t.request('POST', `/api/v1/visits/${id}/record/addenda`, {
      token: chen,
      body: { text: '补充：复查肾功能' },
    });
    const exp = await t.request('GET', `/api/v1/visits/${id}/record/export`, { token: zhang });
    expect(exp.statusCode).toBe(200);
    const file = exp.json() as RecordFile;
    expect(verifyRecordFile(file)).toMatchObject({ ok: true, signer: expect.stringContaining('陈建国') });
    expect(JSON.parse(file.record.document).content.diagnoses[0].icd10).toBe('I10');

    const tampered = structuredClone(file);
    tampered.record.document = tampered.record.document.replace('氨氯地平 5mg', '氨氯地平 50mg');
    const bad = verifyRecordFile(tampered);
    expect(bad.ok).toBe(false);
    expect(bad.problems.join(' ')).toMatch(/SM3|SM2/);
    const forgedAddendum = structuredClone(file);
    forgedAddendum.addenda[0]!.document = forgedAddendum.addenda[0]!.document.replace('肾功能', '肝功能');
    expect(verifyRecordFile(forgedAddendum).ok).toBe(false);

    // An addendum taken from another record of the same doctor, and a record re-labelled with another
    // certificate serial, are both caught.
    const other = await paidVisit(zhang, {
      type: 'consultation',
      doctorId: ids.P001,
      description: '饮食咨询',
    });
    await t.request('POST', `/api/v1/visits/${other}/start`, { token: chen });
    await finish(other, chen, { ...RECORD, diagnoses: [] });
    await t.request('POST', `/api/v1/visits/${other}/record/addenda`, {
      token: chen,
      body: { text: '另一份病历的补充' },
    });
    const otherFile = (
      await t.request('GET', `/api/v1/visits/${other}/record/export`, { token: zhang })
    ).json() as RecordFile;
    const spliced = structuredClone(file);
    spliced.addenda.push(otherFile.addenda[0]!);
    expect(verifyRecordFile(spliced)).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/another record/)],
    });
    expect(verifyRecordFile(file, file.ca.publicKeyPem)).toMatchObject({ ok: true, caPinned: true });

    const dir = mkdtempSync(path.join(tmpdir(), 'yunyi-record-'));
    writeFileSync(path.join(dir, 'good.json'), JSON.stringify(file));
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(tampered));
    const cli = (f: string) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', 'src/server/cli.ts', 'verify-record', path.join(dir, f)],
        {
          encoding: 'utf8',
        },
      );
    const good = cli('good.json');
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain('signature valid');
    const badRun = cli('bad.json');
    expect(badRun.status).toBe(1);
    expect(badRun.stderr).toContain('INVALID');
  });

  it('the timeline is open to the institution and the regulator, not to other institutions', async () => {
    const [v] = (await t.request('GET', '/api/v1/visits?scope=mine', { token: zhang })).json().items;
    // A message in this very visit (completed, chat still open): supervision sees that it was sent, not its words.
    const thanks = await t.request('POST', `/api/v1/visits/${v.id}/messages`, {
      token: zhang,
      body: { clientId: 'thanks-1', kind: 'text', text: '谢谢医生' },
    });
    expect(thanks.statusCode, thanks.body).toBe(201);
    const h01Admin = await t.login('13600000001');
    expect((await t.request('GET', `/api/v1/visits/${v.id}/timeline`, { token: h01Admin })).statusCode).toBe(
      200,
    );
    const reg = await t.request('GET', `/api/v1/visits/${v.id}/timeline`, { token: regulator });
    expect(reg.statusCode).toBe(200);
    expect(JSON.stringify(reg.json())).not.toContain('谢谢医生');
    expect(
      reg
        .json()
        .items.some(
          (e: { kind: string; actorRole: string }) => e.kind === 'message' && e.actorRole === 'patient',
        ),
    ).toBe(true);
    expect((await t.request('GET', `/api/v1/visits/${v.id}/timeline`, { token: h03Admin })).statusCode).toBe(
      403,
    );
    const region = (await t.request('GET', '/api/v1/visits?scope=region', { token: regulator })).json().items;
    expect(region.length).toBeGreaterThan(0);
    expect(region.find((x: { id: string }) => x.id === v.id).patientName).toBe('张*');
  });
});

describe('lists', () => {
  it('page with a cursor and filter by type and day; the regulator sees masked names in the timeline', async () => {
    // This file's visits so far are 张伟's; a first visit (李小宝, from the guardian's account) joins them.
    await paidVisit(lina, {
      type: 'first_visit',
      doctorId: ids.P029,
      patientId: ids.child,
      description: '身高偏矮',
    });
    const page1 = (
      await t.request('GET', '/api/v1/visits?scope=region&limit=2', { token: regulator })
    ).json();
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = (
      await t.request(
        'GET',
        `/api/v1/visits?scope=region&limit=2&before=${encodeURIComponent(page1.nextCursor)}`,
        {
          token: regulator,
        },
      )
    ).json();
    const seen = new Set(page1.items.map((v: { id: string }) => v.id));
    expect(page2.items.some((v: { id: string }) => seen.has(v.id))).toBe(false);
    const firsts = (
      await t.request('GET', '/api/v1/visits?scope=region&type=first_visit', { token: regulator })
    ).json();
    expect(firsts.items.length).toBeGreaterThan(0);
    expect(firsts.items.every((v: { type: string }) => v.type === 'first_visit')).toBe(true);
    const none = (
      await t.request('GET', '/api/v1/visits?scope=region&to=2020-01-01', { token: regulator })
    ).json();
    expect(none.items).toHaveLength(0);
    const zhangVisit = (await t.request('GET', '/api/v1/visits?scope=mine', { token: zhang })).json()
      .items[0];
    const tl = (
      await t.request('GET', `/api/v1/visits/${zhangVisit.id}/timeline`, { token: regulator })
    ).json();
    const names = tl.items
      .filter((e: { actorRole: string }) => e.actorRole === 'patient')
      .map((e: { actorName: string }) => e.actorName);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n: string) => n === '张*')).toBe(true);
  });
});
