/**
 * Prices, wording and consent ([8/12]). A new phone signs up by SMS: the consent dialog (SEC-1) comes
 * first, then from 陈建国's confirm page 去认证 opens 实名认证, whose back arrow and success both return to
 * the confirm page. 张伟 sees prices, rating and visit count on 陈建国's page, the "已签名 · 可验证" badge
 * of a record signed here (a follow-up visit made through the API), 本人 first in 就诊人管理 and 消息
 * dates as 12月7日 周一 / 今天.
 */
import { expect } from 'vitest';
import type { Schedule } from '../../../src/shared/scheduling.js';
import { apiAs, doctorId, requestPaidVisit, shanghaiDay } from '../api.js';
import { expectAccessible } from '../axe.js';
import { loginWithPassword, loginWithSmsCode, residentId, screenshot } from '../support.js';
import type { Journey } from './journey.js';

const ZHANG_WEI = '13800000001';
const CHEN = '13900000001';
const ADMIN_H01 = '13600000001';
const DAY = shanghaiDay(6);

export const journeys: Journey[] = [
  {
    name: 'a new phone consents at SMS sign-up; 去认证 from the confirm page returns there after 实名认证',
    async run(h) {
      const base = h.url();
      const admin = await apiAs(base, ADMIN_H01);
      const chen = await doctorId(admin, '陈建国');
      const schedule = await admin.post<Schedule>('/schedules', {
        doctorId: chen,
        date: DAY,
        startTime: '15:00',
        endTime: '16:00',
        mode: 'offline',
        capacity: 5,
        quotas: { referral: 0, partner: 0 },
      });
      const phone = `135${String(Date.now()).slice(-8)}`;
      const page = await h.open('phone');

      // SEC-1: no account before the consent; both boxes must be ticked.
      await loginWithSmsCode(page, phone);
      const dialog = page.getByTestId('consent-dialog');
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('《隐私政策》');
      expect(await dialog.textContent()).toContain('敏感个人信息');
      await screenshot(page, 'wording-consent');
      await expectAccessible(page, '注册同意');
      await page.getByTestId('consent-agree').click();
      await dialog.getByText('请勾选同意用户协议、隐私政策和敏感个人信息处理').waitFor();
      // The privacy policy is readable in place.
      await page.getByTestId('consent-link-privacy').click();
      await page.getByTestId('legal-privacy').getByText('敏感个人信息').first().waitFor();
      await screenshot(page, 'wording-privacy');
      await page.keyboard.press('Escape');
      await page.getByTestId('legal-privacy').waitFor({ state: 'hidden' });
      await dialog.getByRole('checkbox').nth(0).check();
      await dialog.getByRole('checkbox').nth(1).check();
      await page.getByTestId('consent-agree').click();
      await page.getByTestId('patient-home').waitFor();

      // The confirm page: 去认证 → 实名认证; back returns to the confirm page, not to 我的.
      const confirm = `/patient/doctors/${chen}/confirm/${schedule.id}?date=${DAY}`;
      await page.goto(confirm);
      await page.getByTestId('confirm-page').waitFor();
      await page.getByTestId('go-verify').click();
      await page.getByTestId('real-name-page').waitFor();
      await page.locator('.adm-nav-bar-back').click();
      await page.getByTestId('confirm-page').waitFor();
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(confirm);

      await page.getByTestId('go-verify').click();
      await page.getByTestId('real-name-page').waitFor();
      await expectAccessible(page, '实名认证 (从预约进入)');
      await page.getByTestId('rn-name').locator('input').fill('赵明');
      await page.getByTestId('rn-id').locator('input').fill(residentId('19850621', '135'));
      await page.getByRole('button', { name: '提交认证' }).click();
      await page.getByTestId('confirm-page').waitFor();
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(confirm);
      // Back on the booking, now as a verified person: no 去认证 hint, the session still chosen.
      await page.getByTestId('go-verify').waitFor({ state: 'detached' });
      // The page reloads its session after 实名认证: wait for the doctor's name rather than read the text at
      // once (under load CI read it while only the title had rendered and failed once).
      await page.getByTestId('confirm-page').getByText('陈建国').first().waitFor();
      expect(await page.getByTestId('confirm-page').textContent()).toContain('陈建国');
      await screenshot(page, 'wording-confirm-after-real-name');
      await expectAccessible(page, '确认预约 (实名后)');
    },
  },
  {
    name: '张伟: prices, rating and visit count on 陈建国’s page; 已签名 · 可验证; 本人 first; 消息 dates',
    async run(h) {
      const base = h.url();
      const admin = await apiAs(base, ADMIN_H01);
      const chenId = await doctorId(admin, '陈建国');
      const zhang = await apiAs(base, ZHANG_WEI);
      const chen = await apiAs(base, CHEN);
      // Another group may have left 张伟 an open visit (one at a time): cancel it first.
      const open = await zhang.get<{ items: { id: string; status: string }[] }>('/visits?scope=mine');
      for (const v of open.items.filter((x) => ['requested', 'paid', 'waiting'].includes(x.status)))
        await zhang.post(`/visits/${v.id}/cancel`, {});
      // A follow-up 张伟 has with 陈建国, signed and rated: what his record page and the stats show.
      const visit = await requestPaidVisit<{ id: string; status: string }>(base, zhang, {
        type: 'follow_up',
        doctorId: chenId,
        conditionCode: 'I10',
        description: '血压复诊',
        channel: 'text',
      });
      await chen.post(`/visits/${visit.id}/start`);
      await chen.put(`/visits/${visit.id}/record`, {
        chiefComplaint: '高血压复诊',
        presentIllness: '家庭自测血压 135/85 mmHg',
        pastHistory: '高血压 3 年',
        allergies: '无',
        onlineObservation: '精神可',
        diagnoses: [{ icd10: 'I10', name: '原发性高血压' }],
        advice: '继续氨氯地平 5mg 每日一次',
      });
      await chen.post(`/visits/${visit.id}/complete`);
      await zhang.post(`/visits/${visit.id}/rating`, { stars: 5 });

      const page = await h.open('phone');
      await loginWithPassword(page, ZHANG_WEI);
      await page.getByTestId('patient-home').waitFor();

      // The doctor page: rating, completed visits, 挂号费 and 图文 / 视频 prices, on the buttons too.
      await page.goto(`/patient/doctors/${chenId}`);
      const rating = page.getByTestId('doctor-rating');
      await rating.getByText(/\d\.\d 分/).waitFor();
      expect(await rating.textContent()).toMatch(/\d+ 条评价/);
      expect(await page.getByTestId('doctor-visits').textContent()).toMatch(/[1-9]\d* 次/);
      const prices = (await page.getByTestId('doctor-prices').textContent()) ?? '';
      expect(prices).toContain('挂号费');
      expect(prices).toContain('图文问诊¥100.00/次');
      expect(prices).toContain('视频问诊¥100.00/次');
      expect(await page.getByTestId('doctor-online-visit').textContent()).toContain('图文问诊 ¥100.00');
      expect(await page.getByTestId('doctor-video-visit').textContent()).toContain('视频问诊 ¥100.00');
      await screenshot(page, 'wording-doctor-page');
      await expectAccessible(page, '医生主页 (价格)');

      // The signed record: a badge, the details behind a tap.
      await page.goto(`/patient/visits/${visit.id}/record`);
      await page.getByTestId('record-signature-badge').getByText('已签名 · 可验证').waitFor();
      expect(await page.getByTestId('record-hash').count()).toBe(0);
      await screenshot(page, 'wording-record');
      await expectAccessible(page, '电子病历 (签名徽标)');
      await page.getByTestId('record-signature-badge').click();
      const details = page.getByTestId('signature-details');
      await details.waitFor();
      expect(await page.getByTestId('record-hash').textContent()).toMatch(/^[0-9a-f]{64}$/);
      expect(await page.getByTestId('record-certificate').textContent()).not.toBe('');
      expect(await page.getByTestId('record-signer').textContent()).toContain('陈建国');
      await screenshot(page, 'wording-signature-details');
      await expectAccessible(page, '电子病历 (签名详情)');
      await page.getByTestId('signature-close').click();
      await details.waitFor({ state: 'hidden' });

      // 就诊人管理: 本人 first.
      await page.goto('/patient/dependents');
      const self = page.getByTestId('dependent-self');
      await self.waitFor();
      expect(await self.textContent()).toContain('本人');
      expect(await self.textContent()).toContain('张伟');
      const firstCard = await page.locator('.dependent-card').first().getAttribute('data-testid');
      expect(firstCard).toBe('dependent-self');
      await screenshot(page, 'wording-dependents');
      await expectAccessible(page, '就诊人管理 (本人)');

      // 消息: 今天 14:30 / 12月7日 周一 14:30, and no ISO day in a notice.
      await page.goto('/patient/messages');
      await page.getByTestId('notification-item').first().waitFor();
      const times = await page.locator('.message-time').allTextContents();
      expect(times.length).toBeGreaterThan(0);
      for (const time of times) expect(time).toMatch(/^(今天|昨天|\d{1,2}月\d{1,2}日 周.) \d{2}:\d{2}$/);
      const text = (await page.getByTestId('patient-messages').textContent()) ?? '';
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      await screenshot(page, 'wording-messages');
      await expectAccessible(page, '消息 (日期)');
    },
  },
];
