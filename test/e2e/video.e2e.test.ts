import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TimelineEntry, VisitView } from '../../src/shared/visits.js';
import { type ApiClient, apiAs, doctorId, requestPaidVisit, until } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

/**
 * 视频问诊: 陈建国 on the clinic console and 张伟 on his phone see and hear each other over WebRTC on the
 * loopback server (no STUN: the test server configures no ICE servers), with Chromium's fake camera and
 * microphone. The doctor hangs up, the patient sees it, and the visit's timeline keeps the call.
 */
const journeys = journeyHarness({ fakeMedia: true });
const CONSENT_QUESTION = '是否同意本次视频问诊录音录像？（用于医疗质量与监管留存）';
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
    description: '高血压复诊，近一周血压 150/95 左右，想视频问诊调整用药。',
    channel: 'video',
  });
  visitId = waiting.id;
  const started = await doctorApi.post<VisitView>(`/visits/${visitId}/start`);
  expect(started.status).toBe('in_progress');
});

async function grantMedia(page: Page): Promise<void> {
  await page.context().grantPermissions(['camera', 'microphone'], { origin: journeys.url() });
}

/** The other side's <video> shows a live video track with real frames. */
async function waitForRemoteVideo(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]');
      const stream = video?.srcObject;
      if (!video || !(stream instanceof MediaStream)) return false;
      const live = stream.getVideoTracks().some((track) => track.readyState === 'live');
      return live && video.videoWidth > 0 && video.videoHeight > 0;
    },
    undefined,
    { timeout: 30_000 },
  );
}

async function remoteVideoFacts(page: Page) {
  return page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]');
    const stream = video?.srcObject as MediaStream | null;
    return {
      videoTracks: stream?.getVideoTracks().map((track) => track.readyState) ?? [],
      audioTracks: stream?.getAudioTracks().length ?? 0,
      width: video?.videoWidth ?? 0,
    };
  });
}

describe('video visit', () => {
  it('doctor and patient see each other; the doctor hangs up; the timeline keeps the call', async () => {
    // 陈建国 opens the call from the clinic console and agrees to the recording.
    const doctor = await journeys.open('desktop');
    await grantMedia(doctor);
    await loginWithPassword(doctor, '13900000001');
    await doctor.waitForURL(/\/clinic/);
    await doctor.goto(`/clinic/onlineVisits/${visitId}/video`);
    const doctorConsent = doctor.getByTestId('recording-consent');
    await doctorConsent.waitFor();
    expect(await doctorConsent.textContent()).toContain(CONSENT_QUESTION);
    await screenshot(doctor, 'video-doctor-consent');
    await expectAccessible(doctor, '视频问诊 录制同意 (医生)');
    await doctor.getByTestId('consent-agree').click();
    await doctor.getByTestId('call-status').filter({ hasText: '等待对方加入' }).waitFor();
    expect(await doctor.locator('.video-call__peer').textContent()).toContain('张伟');
    await screenshot(doctor, 'video-doctor-waiting');
    await expectAccessible(doctor, '视频问诊 等待 (医生)');

    // 张伟 opens it on his phone and agrees as well.
    const patient = await journeys.open('phone');
    await grantMedia(patient);
    await loginWithPassword(patient, '13800000001');
    await patient.getByTestId('patient-home').waitFor();
    await patient.goto(`/patient/visits/${visitId}/video`);
    const patientConsent = patient.getByTestId('recording-consent');
    await patientConsent.waitFor();
    expect(await patientConsent.textContent()).toContain(CONSENT_QUESTION);
    await patient.locator('.video-call__peer').filter({ hasText: '陈建国' }).waitFor();
    await screenshot(patient, 'video-patient-consent');
    await expectAccessible(patient, '视频问诊 录制同意 (患者)');
    await patient.getByTestId('consent-agree').click();

    // Both see the other side's camera.
    await waitForRemoteVideo(doctor);
    await waitForRemoteVideo(patient);
    for (const page of [doctor, patient]) {
      const facts = await remoteVideoFacts(page);
      expect(facts.videoTracks).toContain('live');
      expect(facts.audioTracks).toBe(1);
      expect(facts.width).toBeGreaterThan(0);
      await page.getByTestId('call-status').filter({ hasText: '通话中' }).waitFor();
    }
    await screenshot(doctor, 'video-doctor-call');
    await expectAccessible(doctor, '视频问诊 通话中 (医生)');
    await screenshot(patient, 'video-patient-call');
    await expectAccessible(patient, '视频问诊 通话中 (患者)');

    // The patient mutes and turns the camera off, then back on.
    await patient.getByTestId('call-mute').click();
    await patient.getByTestId('call-camera').click();
    expect(await patient.getByTestId('call-mute').textContent()).toContain('取消静音');
    expect(await patient.getByTestId('call-camera').textContent()).toContain('开启摄像头');
    await patient.getByText('摄像头已关闭').waitFor();
    expect(
      await patient.evaluate(() => {
        const local = document.querySelector<HTMLVideoElement>('[data-testid="local-video"]');
        const stream = local?.srcObject as MediaStream;
        return stream.getTracks().map((track) => `${track.kind}:${track.enabled}`);
      }),
    ).toEqual(expect.arrayContaining(['audio:false', 'video:false']));
    await screenshot(patient, 'video-patient-muted');
    await expectAccessible(patient, '视频问诊 静音 (患者)');
    await patient.getByTestId('call-mute').click();
    await patient.getByTestId('call-camera').click();
    expect(await patient.getByTestId('call-mute').textContent()).toContain('静音');
    expect(await patient.getByTestId('call-camera').textContent()).toContain('关闭摄像头');

    // The doctor hangs up: the patient's side ends too.
    await doctor.getByTestId('call-hangup').click();
    const over = patient.getByTestId('call-over');
    await over.waitFor();
    expect(await over.textContent()).toContain('对方已挂断，通话已结束');
    expect(await doctor.getByTestId('call-over').textContent()).toContain('通话已结束');
    expect(await doctor.getByTestId('call-duration').textContent()).toMatch(/^通话时长 \d\d:\d\d$/);
    await screenshot(patient, 'video-patient-ended');
    await expectAccessible(patient, '视频问诊 已结束 (患者)');
    await screenshot(doctor, 'video-doctor-ended');
    await expectAccessible(doctor, '视频问诊 已结束 (医生)');
    // The camera is off on both sides once the call is over.
    for (const page of [doctor, patient]) {
      await page.waitForFunction(() => !document.querySelector('[data-testid="local-video"]'));
    }

    // The visit's timeline keeps the call: started, both sides joined with their consent, ended.
    const timeline = await until('the call to end on the timeline', async () => {
      const { items } = await patientApi.get<{ items: TimelineEntry[] }>(`/visits/${visitId}/timeline`);
      return items.some((entry) => entry.kind === 'call_ended') ? items : undefined;
    });
    const started = timeline.filter((entry) => entry.kind === 'call_started');
    expect(started).toHaveLength(1);
    const callId = started[0]?.details.callId;
    expect(callId).toBeTypeOf('string');
    const joined = timeline.filter((entry) => entry.kind === 'call_joined');
    expect(
      joined.map((entry) => [entry.actorName, entry.details.role, entry.details.recordingConsent]),
    ).toEqual(
      expect.arrayContaining([
        ['陈建国', 'doctor', true],
        ['张伟', 'patient', true],
      ]),
    );
    expect(joined.every((entry) => entry.details.callId === callId)).toBe(true);
    const ended = timeline.filter((entry) => entry.kind === 'call_ended');
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ actorName: '陈建国', details: { callId } });
    expect(ended[0]?.details.participants).toEqual(
      expect.arrayContaining([
        { role: 'doctor', recordingConsent: true },
        { role: 'patient', recordingConsent: true },
      ]),
    );

    // Back goes to the visit page.
    await patient.getByTestId('call-back').click();
    await patient.waitForURL(new RegExp(`/patient/visits/${visitId}$`));
    await patient.getByTestId('video-call-screen').waitFor({ state: 'detached' });
  });
});
