import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VisitMessage, VisitView } from '../../src/shared/visits.js';
import { type ApiClient, apiAs, doctorId, requestPaidVisit } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

/**
 * 语音消息: 张伟 records a voice note on his phone in his follow-up with 陈建国 and sends it; the doctor's
 * workstation shows it live, plays it, and answers with one of his own, which the patient sees. Chromium's
 * fake microphone (a beep) stands for the voices. A patient whose microphone is refused is told so and can
 * still type.
 */
const journeys = journeyHarness({ fakeMedia: true });
let visitId = '';
let patientApi: ApiClient;

beforeAll(async () => {
  const admin = await apiAs(journeys.url(), '13600000001');
  const chen = await doctorId(admin, '陈建国');
  const doctorApi = await apiAs(journeys.url(), '13900000001');
  patientApi = await apiAs(journeys.url(), '13800000001');
  const waiting = await requestPaidVisit<VisitView>(journeys.url(), patientApi, {
    type: 'follow_up',
    doctorId: chen,
    conditionCode: 'I10',
    description: '高血压复诊，打字不方便，想发语音说说最近的情况。',
  });
  visitId = waiting.id;
  const started = await doctorApi.post<VisitView>(`/visits/${visitId}/start`);
  expect(started.status).toBe('in_progress');
});

async function grantMicrophone(page: Page): Promise<void> {
  await page.context().grantPermissions(['microphone'], { origin: journeys.url() });
}

/** "0:03" → 3 (a length as the recorder and the note show it). */
function secondsOf(text: string | null): number {
  const m = /^(\d+):(\d\d)$/.exec(text ?? '');
  if (!m) throw new Error(`not a length: ${text}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Records at least two seconds with the chat's voice button and sends it; answers the whole seconds the
 * recorder showed when send was tapped (the note is that long, or a second longer).
 */
async function recordAndSend(page: Page, shot: string): Promise<number> {
  await page.getByTestId('chat-voice').click();
  const recorder = page.getByTestId('voice-recorder');
  await recorder.waitFor();
  await recorder.locator('[data-testid="voice-status"][data-phase="recording"]').waitFor();
  expect(await recorder.textContent()).toContain('正在录音');
  expect(await recorder.textContent()).toContain('最长 1:00');
  await screenshot(page, shot);
  // Only the recorder: it records on while axe runs; the page around it is checked once the note is sent.
  await expectAccessible(page, `录音 (${shot})`, '[data-testid="voice-recorder"]');
  // The screenshot and the check take longer on a loaded machine: send once the recorder shows 0:02 or
  // more, and judge the note's length against what it showed (a note of 0:04 after 0:04 shown is right).
  const elapsed = page.getByTestId('voice-elapsed');
  await elapsed.filter({ hasText: /^0:(0[2-9]|[1-5]\d)$/ }).waitFor();
  const shown = secondsOf(await elapsed.textContent());
  await page.getByTestId('voice-send').click();
  await recorder.waitFor({ state: 'detached' });
  return shown;
}

/** The note's length as shown is what the recorder showed when sent, or a second more. */
function expectLength(text: string | null, shown: number): void {
  expect(secondsOf(text)).toBeGreaterThanOrEqual(shown);
  expect(secondsOf(text)).toBeLessThanOrEqual(shown + 1);
}

/** The note's <audio> has loaded and knows its real length (seconds). */
async function audioDuration(note: Locator): Promise<number> {
  const audio = note.getByTestId('voice-note-audio');
  await audio.waitFor({ state: 'attached' });
  await audio.evaluate(
    (el: HTMLAudioElement) =>
      new Promise<void>((resolve) => {
        const done = () => Number.isFinite(el.duration) && el.duration > 0 && resolve();
        if (el.readyState >= 1) done();
        el.addEventListener('loadedmetadata', done);
        el.addEventListener('durationchange', done);
      }),
  );
  return audio.evaluate((el: HTMLAudioElement) => el.duration);
}

describe('voice notes', () => {
  it('the patient sends a voice note, the doctor plays it live and answers with one', async () => {
    // 陈建国 has the visit open on the clinic console.
    const doctor = await journeys.open('desktop');
    await grantMicrophone(doctor);
    await loginWithPassword(doctor, '13900000001');
    await doctor.waitForURL(/\/clinic/);
    await doctor.goto(`/clinic/onlineVisits/${visitId}`);
    const doctorChat = doctor.getByTestId('chat-list');
    await doctorChat.waitFor();

    // 张伟 records about two seconds on his phone and sends it.
    const patient = await journeys.open('phone');
    await grantMicrophone(patient);
    await loginWithPassword(patient, '13800000001');
    await patient.getByTestId('patient-home').waitFor();
    await patient.goto(`/patient/visits/${visitId}`);
    await patient.getByTestId('chat-input').waitFor();
    expect(await patient.getByTestId('chat-voice').getAttribute('aria-label')).toBe('录一段语音');
    const patientShown = await recordAndSend(patient, 'voice-patient-recording');
    const mine = patient.locator('.chat-row--mine[data-testid="chat-message"] [data-testid="voice-note"]');
    await mine.waitFor();
    expectLength(await mine.getByTestId('voice-note-duration').textContent(), patientShown);
    await patient.locator('.chat-row--mine [data-testid="voice-note"][data-state="ready"]').waitFor();
    await screenshot(patient, 'voice-patient-sent');
    await expectAccessible(patient, '语音消息 已发送 (患者)');

    // The server keeps it as WebM, with its length.
    const messages = await patientApi.get<{ items: VisitMessage[] }>(`/visits/${visitId}/messages?after=0`);
    const sent = messages.items.filter((m) => m.kind === 'voice');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.senderRole).toBe('patient');
    expect(sent[0]?.attachment?.mime).toBe('audio/webm');
    expect(sent[0]?.attachment?.durationMs).toBeGreaterThan(patientShown * 1_000 - 500);
    expect(sent[0]?.attachment?.durationMs).toBeLessThan((patientShown + 2) * 1_000);
    const doctorApi = await apiAs(journeys.url(), '13900000001');
    const bytes = await doctorApi.fetch(`/attachments/${sent[0]?.attachment?.id}`);
    expect(bytes.status).toBe(200);
    expect(bytes.headers.get('content-type')).toContain('audio/webm');
    const head = new Uint8Array(await bytes.arrayBuffer()).subarray(0, 4);
    expect([...head]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);

    // The doctor's chat shows it live, with its length, and plays it.
    const heard = doctorChat.locator(
      '[data-testid="chat-message"][data-role="patient"] [data-testid="voice-note"]',
    );
    await heard.waitFor();
    const heardLength = await heard.getByTestId('voice-note-duration').textContent();
    expectLength(heardLength, patientShown);
    expect(await heard.getByTestId('voice-note-play').getAttribute('aria-label')).toBe(
      `播放语音，时长 ${heardLength}`,
    );
    await heard.locator('xpath=self::*[@data-state="ready"]').waitFor();
    expect(await audioDuration(heard)).toBeGreaterThan(1);
    await heard.getByTestId('voice-note-play').click();
    await heard.locator('xpath=self::*[@data-state="playing"]').waitFor();
    expect(await heard.getByTestId('voice-note-play').getAttribute('aria-pressed')).toBe('true');
    await doctor.waitForFunction(
      () =>
        (document.querySelector<HTMLAudioElement>('[data-testid="voice-note-audio"]')?.currentTime ?? 0) >
        0.3,
    );
    await screenshot(doctor, 'voice-doctor-playing');
    await expectAccessible(doctor, '语音消息 播放 (医生)');
    // It plays to the end and is ready to play again.
    await heard.locator('xpath=self::*[@data-state="ready"]').waitFor({ timeout: 10_000 });

    // The doctor answers with a voice note of his own; the patient sees it arrive.
    const doctorShown = await recordAndSend(doctor, 'voice-doctor-recording');
    const answer = doctorChat.locator(
      '[data-testid="chat-message"][data-role="doctor"] [data-testid="voice-note"]',
    );
    await answer.waitFor();
    expectLength(await answer.getByTestId('voice-note-duration').textContent(), doctorShown);
    await screenshot(doctor, 'voice-doctor-sent');
    await expectAccessible(doctor, '语音消息 已发送 (医生)');

    const received = patient.locator(
      '[data-testid="chat-message"]:not(.chat-row--mine) [data-testid="voice-note"]',
    );
    await received.locator('xpath=self::*[@data-state="ready"]').waitFor();
    expectLength(await received.getByTestId('voice-note-duration').textContent(), doctorShown);
    expect(await audioDuration(received)).toBeGreaterThan(1);
    await received.getByTestId('voice-note-play').click();
    await received.locator('xpath=self::*[@data-state="playing"]').waitFor();
    await screenshot(patient, 'voice-patient-received');
    await expectAccessible(patient, '语音消息 已收到 (患者)');

    const after = await patientApi.get<{ items: VisitMessage[] }>(`/visits/${visitId}/messages?after=0`);
    const voices = after.items.filter((m) => m.kind === 'voice');
    expect(voices.map((m) => [m.senderRole, m.attachment?.mime])).toEqual([
      ['patient', 'audio/webm'],
      ['doctor', 'audio/webm'],
    ]);
  });

  it('a refused microphone is said plainly and the chat stays usable (长辈模式)', async () => {
    const patient = await journeys.open('phone');
    // The microphone is refused, as when the user taps 不允许 on the browser's prompt.
    await patient.addInitScript(() => {
      localStorage.setItem('yunyi.elderlyMode', '1');
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await loginWithPassword(patient, '13800000001');
    await patient.getByTestId('patient-home').waitFor();
    await patient.goto(`/patient/visits/${visitId}`);
    await patient.getByTestId('chat-input').waitFor();
    await patient.getByTestId('chat-voice').click();
    const notice = patient.getByTestId('voice-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('无法使用麦克风：您拒绝了麦克风权限');
    expect(await notice.textContent()).toContain('仍可发送文字和图片');
    expect(await patient.getByTestId('voice-recorder').count()).toBe(0);
    // Large targets in 长辈模式.
    const box = await patient.getByTestId('chat-voice').boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(44);
    await screenshot(patient, 'voice-patient-mic-refused');
    await expectAccessible(patient, '语音消息 麦克风被拒 (患者)');

    await patient.getByTestId('chat-input').locator('input').fill('麦克风用不了，我打字说吧。');
    await patient.getByTestId('chat-send').click();
    await patient
      .locator('.chat-row--mine[data-testid="chat-message"]')
      .filter({ hasText: '麦克风用不了，我打字说吧。' })
      .waitFor();
    await notice.getByRole('button', { name: '知道了' }).click();
    await notice.waitFor({ state: 'detached' });
  });
});
