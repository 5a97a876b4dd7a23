/**
 * [12/12] The demo's family-doctor services around 王秀英's year (demo-family-doctor-contracts.ts writes the
 * contracts, readings and follow-ups first, in the same transaction): the upward referral to 云川医院
 * cardiology 龙晓梅 made when her blood pressure stayed uncontrolled (FD-4), a home venous blood draw by
 * 白秀珍 (FD-5, FD-9), satisfaction ratings (seed 002 (十五)) and health articles pushed by condition with
 * read receipts.
 */
import { shanghaiDate } from '../../shared/identity.js';
import { addDays } from '../modules/family-doctor/followup.rules.js';
import { HOME_ITEMS } from '../modules/family-doctor/home-items.data.js';
import {
  clientCode,
  clientCodeHash,
  deriveClientCodeKey,
  serviceFeeFen,
} from '../modules/family-doctor/home-service.rules.js';
import { notices } from '../modules/notifications/notices.js';
import { insertNotification } from '../modules/notifications/notification.service.js';
import type { Config } from '../platform/config.js';
import type { FieldCipher } from '../platform/crypto/fields.js';
import type { Tx } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import { at, type History } from './demo-family-doctor-history.js';

export const LONG = '龙晓梅家庭医生团队';
export const DUAN = '段志刚家庭医生团队';

/** What the contracts part made and looked up, by the names the services use. */
export interface DemoFacts {
  today: string;
  wang: { id: string };
  wangAccount: string;
  daughterAccount: string;
  wangContract: { id: string };
  zhaoFirst: { id: string };
  wuContract: { id: string };
  wangStart: string;
  liuStart: string;
  wuStart: string;
  /** 王秀英's, 刘桂兰's, … histories, in that order. */
  histories: History[];
  inst: (code: string) => { id: string };
  prac: (code: string) => { id: string; account_id: string | null };
  deptOf: (institution: string, code: string) => Promise<string>;
  team: (name: string) => { id: string };
  resident: (key: 'liu' | 'zhao' | 'wu') => { id: string };
}

export async function seedFamilyDoctorServices(
  trx: Tx,
  cipher: FieldCipher,
  config: Config,
  f: DemoFacts,
): Promise<void> {
  const { today, wang, wangAccount, daughterAccount, wangContract, zhaoFirst, wuContract } = f;
  const { wangStart, liuStart, wuStart, histories, inst, prac, deptOf, team, resident } = f;
  const settings = config.familyDoctor;
  const wangHistory = histories[0]!;

  // --- FD-4: 龙晓梅 referred 王秀英 up to 云川医院 cardiology when her blood pressure stayed uncontrolled.
  const refer = wangHistory.referAt.find((r) => r.condition === 'hypertension');
  if (refer) {
    const sent = refer.at;
    const day = shanghaiDate(sent);
    const bp = refer.followup.record;
    await trx
      .insertInto('referral')
      .values({
        id: newId(),
        referral_no: `ZZ${day.replaceAll('-', '')}0001`,
        patient_id: wang.id,
        direction: 'up',
        from_institution_id: inst('YC-C01').id,
        from_practitioner_id: prac('P048').id,
        to_institution_id: inst('YC-H01').id,
        to_department_id: await deptOf('YC-H01', 'CARD'),
        contract_id: wangContract.id,
        summary: `高血压控制不满意：居家血压连续两次 ≥140/90 mmHg，今日随访复测 ${bp?.systolic}/${bp?.diastolic} mmHg，已规律服用苯磺酸氨氯地平。合并 2 型糖尿病。转心血管内科评估并调整降压方案。`,
        care_plan: null,
        status: 'completed',
        // The referred visit was booked at the hospital's desk; no appointment of the platform's.
        appointment_id: null,
        decline_reason: null,
        accepted_at: at(addDays(day, 1), '09:30'),
        accepted_by: prac('P001').id,
        booked_at: at(addDays(day, 1), '09:35'),
        completed_at: at(addDays(day, 6), '11:20'),
        created_at: sent,
        updated_at: at(addDays(day, 6), '11:20'),
      })
      .execute();
  }

  // --- FD-5, FD-9: a home venous blood draw by 白秀珍 (护师), checked in and out at 王秀英's home.
  const item = HOME_ITEMS.find((i) => i.code === 'VENOUS_BLOOD')!;
  const serviceId = newId();
  const serviceDay = addDays(today, -45);
  const key = deriveClientCodeKey(config.blindIndexKey);
  const nurse = prac('P050');
  await trx
    .insertInto('home_service')
    .values({
      id: serviceId,
      service_no: `HS${addDays(serviceDay, -2).replaceAll('-', '')}0001`,
      patient_id: wang.id,
      requested_by: daughterAccount,
      institution_id: inst('YC-C01').id,
      team_id: team(LONG).id,
      item_code: item.code,
      window_start: at(serviceDay, '09:00'),
      window_end: at(serviceDay, '11:00'),
      address_enc: cipher.encrypt('云川区青石街道青石路 18 号 3 栋 2 单元 501'),
      note: '空腹抽血（糖化血红蛋白、肝肾功能），老人行动不便。',
      fee_fen: serviceFeeFen(
        { category: item.category, itemFeeFen: item.itemFeeFen },
        null,
        settings.visitFees,
      ).totalFen,
      order_id: null,
      status: 'completed',
      provider_practitioner_id: nurse.id,
      client_code_hash: clientCodeHash(key, serviceId, clientCode(key, serviceId)),
      accepted_at: at(addDays(serviceDay, -1), '16:20'),
      checked_in_at: at(serviceDay, '09:18'),
      checked_out_at: at(serviceDay, '09:46'),
      record: JSON.stringify({
        summary:
          '核对身份后空腹采集静脉血 2 管，穿刺顺利，按压 5 分钟无出血；标本送青石社区卫生服务中心检验科。',
        vitals: { systolic: 132, diastolic: 80, pulse: 72 },
        materials: ['真空采血管 2 支', '一次性采血针', '消毒棉签'],
        advice: '今日穿刺处保持干燥；结果出来后家庭医生会电话告知。',
      }),
      cancelled_at: null,
      cancel_reason: null,
      created_at: at(addDays(serviceDay, -2), '19:40'),
      updated_at: at(serviceDay, '09:46'),
    })
    .execute();
  await trx
    .insertInto('home_service_event')
    .values(
      [
        { kind: 'check_in' as const, time: '09:18', lat: 30.5728, lng: 104.0668 },
        { kind: 'check_out' as const, time: '09:46', lat: 30.5729, lng: 104.0667 },
      ].map((e) => ({
        id: newId(),
        service_id: serviceId,
        kind: e.kind,
        latitude: e.lat,
        longitude: e.lng,
        accuracy_m: 12,
        at: at(serviceDay, e.time),
        by_account_id: nurse.account_id!,
        note: null,
      })),
    )
    .execute();

  // --- Ratings (seed 002 (十五) satisfaction).
  const wangFirstFollowup = wangHistory.followups.find((f) => f.status === 'done')!;
  const liuDone = histories[1]!.followups.find((f) => f.status === 'done')!;
  const rating = (
    patientId: string,
    teamName: string,
    subject: 'contract' | 'followup' | 'home_service',
    subjectId: string,
    stars: number,
    day: string,
    comment: string | null,
  ) => ({
    id: newId(),
    patient_id: patientId,
    team_id: team(teamName).id,
    subject,
    subject_id: subjectId,
    stars,
    comment,
    created_at: at(day, '20:05'),
  });
  await trx
    .insertInto('service_rating')
    .values([
      rating(
        wang.id,
        LONG,
        'contract',
        wangContract.id,
        5,
        addDays(today, -30),
        '龙医生团队很耐心，随访很及时。',
      ),
      rating(
        wang.id,
        LONG,
        'followup',
        wangFirstFollowup.id,
        5,
        shanghaiDate(wangFirstFollowup.done_at!),
        null,
      ),
      rating(
        wang.id,
        LONG,
        'home_service',
        serviceId,
        5,
        addDays(serviceDay, 1),
        '白护士手法很轻，讲解清楚。',
      ),
      rating(
        resident('liu').id,
        LONG,
        'followup',
        liuDone.id,
        4,
        addDays(shanghaiDate(liuDone.done_at!), 1),
        null,
      ),
      rating(resident('zhao').id, LONG, 'contract', zhaoFirst.id, 5, addDays(today, -25), '续约了，方便。'),
      rating(resident('wu').id, DUAN, 'contract', wuContract.id, 4, addDays(today, -60), null),
    ])
    .execute();

  // --- Health education pushed by condition, with read receipts.
  const articles = new Map(
    (await trx.selectFrom('health_article').select(['id', 'title']).execute()).map((a) => [a.title, a.id]),
  );
  const push = (title: string, patientId: string, teamName: string, day: string, readDay: string | null) => ({
    article_id: articles.get(title)!,
    patient_id: patientId,
    team_id: team(teamName).id,
    pushed_at: at(day, '09:00'),
    read_at: readDay ? at(readDay, '20:15') : null,
  });
  const bpHowTo = '在家怎样量血压才准';
  const saltTitle = '高血压患者的饮食：少盐是第一步';
  await trx
    .insertInto('article_push')
    .values([
      push(bpHowTo, wang.id, LONG, addDays(wangStart, 10), addDays(wangStart, 10)),
      push(bpHowTo, resident('liu').id, LONG, addDays(liuStart, 5), null),
      push(bpHowTo, resident('wu').id, DUAN, addDays(wuStart, 3), addDays(wuStart, 4)),
      push('低血糖的识别与处理', wang.id, LONG, addDays(today, -130), addDays(today, -129)),
      push(saltTitle, wang.id, LONG, addDays(today, -3), null),
    ])
    .execute();
  await insertNotification(
    trx,
    notices.fdArticlePushed(
      { accountId: wangAccount, patientId: wang.id, refId: articles.get(saltTitle)!, sms: false },
      { title: saltTitle, teamName: LONG },
    ),
    at(addDays(today, -3), '09:00'),
  );
}
