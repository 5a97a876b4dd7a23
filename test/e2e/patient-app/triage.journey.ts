/**
 * 智能导诊 ([8/12]): 张伟 on his phone describes "胸口疼出冷汗" and sees the 120 advice before anything
 * else; then "小孩湿疹", whose first suggestion is the region's paediatric dermatology (儿童皮肤科 of the
 * children's hospital), and tapping it opens that department's doctors.
 */
import { expect } from 'vitest';
import { expectAccessible } from '../axe.js';
import { loginWithPassword, screenshot } from '../support.js';
import type { Journey } from './journey.js';

const ZHANG = '13800000001';

export const journeys: Journey[] = [
  {
    name: '张伟: 胸口疼出冷汗 → 120 first; 小孩湿疹 → 儿童皮肤科 first, tap opens its doctors',
    async run(h) {
      const phone = await h.open('phone');
      await loginWithPassword(phone, ZHANG);
      await phone.getByText('我的', { exact: true }).waitFor(); // signed in (the home page's tab bar)
      await phone.goto(`${h.url()}/patient/triage`);
      const box = phone.getByLabel('症状描述');
      await box.waitFor();
      await expectAccessible(phone, '智能导诊');
      await screenshot(phone, 'triage-empty');

      await box.fill('胸口疼出冷汗');
      await phone.getByRole('button', { name: '开始导诊' }).click();
      const alarm = phone.getByTestId('triage-emergency');
      await alarm.waitFor();
      expect(await alarm.textContent()).toContain('请立即拨打 120 或前往急诊');
      expect(await phone.getByTestId('call-120').getAttribute('href')).toBe('tel:120');
      // Before anything else: the banner is the first thing below the title bar.
      const firstInMain = await phone
        .getByTestId('triage-body')
        .locator('> *')
        .first()
        .getAttribute('data-testid');
      expect(firstInMain).toBe('triage-emergency');
      await expectAccessible(phone, '智能导诊 · 急危重症');
      await screenshot(phone, 'triage-red-flag');

      await box.fill('小孩湿疹');
      await phone.getByRole('button', { name: '开始导诊' }).click();
      await expect.poll(() => phone.getByTestId('triage-emergency').count()).toBe(0);
      const first = phone.getByTestId('triage-department').first();
      await expect.poll(() => first.textContent()).toContain('儿童皮肤科');
      expect(await first.textContent()).toContain('湿疹');
      await expectAccessible(phone, '智能导诊 · 推荐科室');
      await screenshot(phone, 'triage-eczema');

      await first.click();
      await phone.getByTestId('book-doctors').waitFor();
      expect(await phone.getByRole('heading', { level: 1 }).textContent()).toBe('儿童皮肤科');
      await phone.getByTestId('doctor-item').first().waitFor();
      await expectAccessible(phone, '智能导诊 → 科室医生');
      await screenshot(phone, 'triage-doctors');
    },
  },
];
