/**
 * 电子健康卡 ([8/12]): 张伟 opens his card on the phone; the QR code is read back from the screenshot of the
 * page (jsqr on sharp's pixels, as a counter's scanner would read the screen); 陈建国 pastes what it says
 * into 扫码识别 on the clinic console and sees 张伟, verified by the server.
 */
import jsqr from 'jsqr';
import sharp from 'sharp';
import { expect } from 'vitest';
import { expectAccessible } from '../axe.js';
import { loginWithPassword, screenshot } from '../support.js';
import type { Journey } from './journey.js';

const ZHANG = '13800000001';
const CHEN = '13900000001'; // 陈建国, doctor at 云川医院

// jsqr is CommonJS: module.exports is the decoder, `.default` the same function (what its types name).
const decodeQr = jsqr.default;

async function readQr(png: Buffer): Promise<string> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const found = decodeQr(
    new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    info.width,
    info.height,
  );
  if (!found) throw new Error('no QR code in the screenshot');
  return found.data;
}

export const journeys: Journey[] = [
  {
    name: '张伟 shows his health card; 陈建国 scans it and sees 张伟',
    async run(h) {
      const phone = await h.open('phone');
      await loginWithPassword(phone, ZHANG);
      await phone.getByText('我的', { exact: true }).click();
      await phone.getByTestId('mine-health-card').click();
      const card = phone.getByTestId('health-card');
      await card.waitFor();
      await expect.poll(() => phone.getByTestId('health-card-name').textContent()).toBe('张*');
      expect(await phone.getByTestId('health-card-no').textContent()).toMatch(/^5301\*{8}\d{4}$/);
      expect(await phone.getByTestId('health-card-countdown').textContent()).toMatch(/\d+ 秒后自动刷新/);
      await phone.getByTestId('health-card-qr').evaluate((img: HTMLImageElement) => img.decode());
      await expectAccessible(phone, '电子健康卡');
      await screenshot(phone, 'health-card-phone');

      const code = await readQr(await phone.screenshot());
      expect(code).toMatch(/^YYHC1\.[0-9a-f-]{36}\.\d+\.[A-Za-z0-9_-]{22}$/);
      expect(code).not.toContain('11010119780315031X');
      expect(code).not.toContain(ZHANG);

      const desk = await h.open('desktop');
      await loginWithPassword(desk, CHEN);
      await desk.getByRole('menuitem', { name: '扫码识别' }).click();
      const field = desk.getByLabel('健康卡二维码内容');
      await field.waitFor();
      await expectAccessible(desk, '扫码识别', '.hc-scan');
      // A handheld scanner types the code and Enter; pasting does the same.
      await field.fill(code);
      await field.press('Enter');
      await expect.poll(() => desk.getByTestId('health-card-patient').textContent()).toBe('张伟');
      const result = desk.getByTestId('health-card-result');
      expect(await result.textContent()).toContain('1101**********031X');
      expect(await result.textContent()).toContain('男');
      await expectAccessible(desk, '扫码识别 · 结果', '.hc-scan');
      await screenshot(desk, 'health-card-scan-ok');

      // A code that was altered is refused, and the field is ready for the next scan.
      await field.fill(`${code.slice(0, -2)}${code.endsWith('AA') ? 'BB' : 'AA'}`);
      await field.press('Enter');
      await expect
        .poll(() => desk.getByTestId('health-card-failure').textContent())
        .toContain('无效的健康卡二维码');
      await screenshot(desk, 'health-card-scan-invalid');

      // 刷新 on the phone: a fresh code is drawn (the same minute gives the same code, so only check it reads).
      await phone.getByTestId('health-card-refresh').click();
      await card.waitFor();
    },
  },
];
