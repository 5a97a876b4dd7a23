/**
 * [8/12] Search and finding a doctor: 张伟 finds 陈建国 from the booking home's one search box by name, by
 * pinyin initials and by "高血压", opens his page; an unknown word offers 智能导诊; 云川医院 lists clinical
 * departments only (no 检验科, 药剂科, 医学影像科) with doctor counts; 按日期挂号 shows the doctors of a day.
 * A session of 刘慧敏 (YC-H01 心血管内科) is made through the API on shanghaiDay(5).
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { apiAs, createSchedule, doctorId, shanghaiDay } from '../api.js';
import { expectAccessible } from '../axe.js';
import { loginWithPassword, screenshot } from '../support.js';
import type { Journey } from './journey.js';

const DAY = shanghaiDay(5);

async function searchFor(page: Page, q: string): Promise<void> {
  const input = page.getByTestId('search-box').locator('input');
  await input.fill(q);
  await input.press('Enter');
  await page.waitForURL(`**/patient/search?q=${encodeURIComponent(q)}`);
}

export const journeys: Journey[] = [
  {
    name: '张伟 finds 陈建国 by name, pinyin and 高血压, and books 心血管内科 by date among clinical departments only',
    async run(h) {
      const admin = await apiAs(h.url(), '13600000001');
      await createSchedule(admin, {
        doctorId: await doctorId(admin, '刘慧敏'),
        date: DAY,
        startTime: '14:00',
        endTime: '17:00',
        capacity: 6,
      });

      const page = await h.open('phone');
      await loginWithPassword(page, '13800000001');
      await page.waitForURL('**/patient');
      await page.goto('/patient/book');
      await page.getByTestId('institution-item').first().waitFor();
      await expectAccessible(page, '预约挂号 搜索框');
      await screenshot(page, 'search-book-home');

      // By name: the doctor with his title, department and hospital.
      await searchFor(page, '陈建国');
      const chen = page.getByTestId('search-doctor').filter({ hasText: '陈建国' }).first();
      await chen.waitFor();
      expect(await chen.textContent()).toContain('主任医师');
      expect(await chen.textContent()).toContain('心血管内科');
      await expectAccessible(page, '搜索结果 医生');
      await screenshot(page, 'search-by-name');

      // By pinyin initials, from the results page's own box.
      await searchFor(page, 'cjg');
      await page.getByTestId('search-doctor').filter({ hasText: '陈建国' }).first().waitFor();

      // By a disease: the condition, its departments, and 陈建国 among the doctors who treat it.
      await searchFor(page, '高血压');
      const condition = page.getByTestId('search-condition').filter({ hasText: '高血压' });
      await condition.waitFor();
      expect(await condition.textContent()).toContain('心血管内科');
      await expectAccessible(page, '搜索结果 疾病');
      await screenshot(page, 'search-by-condition');
      await condition.getByTestId('search-doctor').filter({ hasText: '陈建国' }).click();
      await page.getByTestId('doctor-page').waitFor();
      await page.getByText('陈建国', { exact: true }).first().waitFor();
      await expectAccessible(page, '医生主页（来自搜索）');
      await screenshot(page, 'search-doctor-page');

      // Nothing found: a way on to 智能导诊.
      await page.goto(`/patient/search?q=${encodeURIComponent('火星旅游')}`);
      await page.getByTestId('search-empty').waitFor();
      expect(await page.getByTestId('search-to-triage').textContent()).toContain('智能导诊');
      await expectAccessible(page, '搜索结果 无结果');
      await screenshot(page, 'search-empty');

      // A hospital's departments: clinical ones only, each saying how many doctors practise there.
      await page.goto('/patient/book');
      await page.getByTestId('institution-item').filter({ hasText: '云澜医科大学附属云川医院' }).click();
      const card = page.getByTestId('department-item').filter({ hasText: '心血管内科' });
      await card.waitFor();
      const listed = await page.getByTestId('department-item').allTextContents();
      for (const nonClinical of ['检验科', '药剂科', '医学影像科']) {
        expect(
          listed.some((text) => text.includes(nonClinical)),
          nonClinical,
        ).toBe(false);
      }
      expect(await card.textContent()).toMatch(/\d+ 位医生/);
      // The subtitle no longer repeats the department's name.
      expect(await card.textContent()).not.toContain('心血管内科专业');
      await expectAccessible(page, '预约挂号 临床科室');
      await screenshot(page, 'search-clinical-departments');

      // 按日期挂号: the day's doctors, with what is left.
      await card.click();
      await page.getByTestId('view-date').click();
      await page.getByTestId(`date-${DAY}`).click();
      const liu = page.getByTestId('date-doctor-item').filter({ hasText: '刘慧敏' });
      await liu.waitFor();
      expect(await liu.getByTestId('day-availability').textContent()).toMatch(/有号 \d+|约满/);
      await expectAccessible(page, '按日期挂号');
      await screenshot(page, 'search-by-date');
      await liu.click();
      await page.waitForURL(`**/patient/doctors/**?date=${DAY}`);
      await page.getByTestId('doctor-page').waitFor();
    },
  },
];
