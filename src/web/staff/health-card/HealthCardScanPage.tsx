import { CameraOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Input, type InputRef, Space, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VerifiedHealthCard } from '../../../shared/health-card.js';
import { post } from '../../api.js';
import { describeError } from '../../errors.js';
import { formatDateTime } from '../../format.js';
import './health-card.css';

/** The browser's QR reader where it has one (Chromium on Android, macOS, ChromeOS); typed loosely. */
interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (options: { formats: string[] }) => Detector;
const BarcodeDetectorClass = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;

/**
 * Reads QR codes from the camera with BarcodeDetector until one is found. Where the browser has none, the
 * camera is not offered: a handheld scanner (which types the code and Enter) or pasting works everywhere.
 */
function CameraScanner({ onCode, onError }: { onCode(code: string): void; onError(key: string): void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (!BarcodeDetectorClass) return;
    const detector = new BarcodeDetectorClass({ formats: ['qr_code'] });
    let stream: MediaStream | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const scan = async () => {
      if (stopped || !video.current) return;
      try {
        const [found] = await detector.detect(video.current);
        if (found?.rawValue) {
          onCode(found.rawValue);
          return;
        }
      } catch {
        // A frame that is not ready yet: try the next one.
      }
      timer = setTimeout(scan, 300);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' } })
      .then(async (s) => {
        stream = s;
        if (stopped || !video.current) return;
        video.current.srcObject = s;
        await video.current.play();
        void scan();
      })
      .catch(() => onError('healthCard.staff.cameraDenied'));
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, [onCode, onError]);

  return (
    <figure className="hc-scan__camera">
      <video ref={video} muted playsInline aria-label={t('healthCard.staff.videoLabel')} />
      <figcaption>{t('healthCard.staff.cameraHint')}</figcaption>
    </figure>
  );
}

/**
 * 扫码识别 (staff console, doctor / nurse / pharmacist / org_admin): the patient shows the QR code of their
 * electronic health card; the server checks it and answers who the patient is (the scan is audited).
 */
export function HealthCardScanPage() {
  const { t, i18n } = useTranslation();
  const input = useRef<InputRef>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<VerifiedHealthCard>();
  const [failure, setFailure] = useState<{ title: string; detail?: string }>();
  const [camera, setCamera] = useState(false);
  const [cameraProblem, setCameraProblem] = useState<string>();

  async function verify(text: string) {
    const value = text.trim();
    if (!value || busy) return;
    setBusy(true);
    setFailure(undefined);
    setResult(undefined);
    try {
      setResult(await post<VerifiedHealthCard>('/health-cards/verify', { code: value }));
    } catch (error) {
      setFailure(describeError(error, t));
    } finally {
      setBusy(false);
      setCode('');
      input.current?.focus();
    }
  }

  // Stable callbacks for the camera, so it is not restarted on every render.
  const verifyRef = useRef(verify);
  verifyRef.current = verify;
  const [onCode] = useState(() => (found: string) => {
    setCamera(false);
    void verifyRef.current(found);
  });
  const [onCameraError] = useState(() => (key: string) => {
    setCamera(false);
    setCameraProblem(key);
  });

  const sexText = (sex: VerifiedHealthCard['sex']) =>
    sex ? t(`healthCard.staff.${sex}`) : t('healthCard.staff.unknown');

  return (
    <div className="hc-scan" data-testid="health-card-scan">
      <Typography.Title level={1} className="hc-scan__title">
        {t('healthCard.staff.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('healthCard.staff.intro')}</Typography.Paragraph>
      <Card>
        <form
          className="hc-scan__form"
          onSubmit={(event) => {
            event.preventDefault();
            void verify(code);
          }}
        >
          <label htmlFor="hc-code" className="hc-scan__label">
            {t('healthCard.staff.codeLabel')}
          </label>
          <Space.Compact className="hc-scan__row">
            <Input
              id="hc-code"
              ref={input}
              autoFocus
              autoComplete="off"
              spellCheck={false}
              value={code}
              onChange={(event) => setCode(event.target.value)}
              placeholder={t('healthCard.staff.codePlaceholder')}
              data-testid="health-card-code"
            />
            <Button type="primary" htmlType="submit" loading={busy} data-testid="health-card-verify">
              {t('healthCard.staff.verify')}
            </Button>
          </Space.Compact>
        </form>
        {BarcodeDetectorClass ? (
          <div className="hc-scan__camera-row">
            <Button
              icon={camera ? <StopOutlined aria-hidden /> : <CameraOutlined aria-hidden />}
              onClick={() => {
                setCameraProblem(undefined);
                setCamera((on) => !on);
              }}
              data-testid="health-card-camera"
            >
              {camera ? t('healthCard.staff.stopCamera') : t('healthCard.staff.camera')}
            </Button>
            {camera && <CameraScanner onCode={onCode} onError={onCameraError} />}
          </div>
        ) : (
          <Typography.Paragraph type="secondary" className="hc-scan__note">
            {t('healthCard.staff.cameraUnavailable')}
          </Typography.Paragraph>
        )}
        {cameraProblem && (
          <Alert type="warning" showIcon message={t(cameraProblem as 'healthCard.staff.cameraDenied')} />
        )}
      </Card>

      <section aria-live="polite" aria-labelledby="hc-result-title" className="hc-scan__result">
        <Typography.Title level={2} id="hc-result-title" className="hc-scan__subtitle">
          {t('healthCard.staff.result')}
        </Typography.Title>
        {failure && (
          <Alert
            type="error"
            showIcon
            message={`${t('healthCard.staff.failed')}：${failure.title}`}
            description={failure.detail}
            data-testid="health-card-failure"
          />
        )}
        {result && (
          <Card data-testid="health-card-result">
            <Descriptions
              column={1}
              bordered
              size="middle"
              title={
                <Space>
                  <span data-testid="health-card-patient">{result.name}</span>
                  <Tag color="var(--adm-color-success, #007a4d)">{t('healthCard.staff.verified')}</Tag>
                </Space>
              }
              items={[
                { key: 'sex', label: t('healthCard.staff.sex'), children: sexText(result.sex) },
                {
                  key: 'age',
                  label: t('healthCard.staff.age'),
                  children:
                    result.age === null
                      ? t('healthCard.staff.unknown')
                      : t('healthCard.staff.ageValue', { age: result.age }),
                },
                {
                  key: 'id',
                  label: t('healthCard.staff.idNumber'),
                  children: result.idNumberMasked ?? t('healthCard.staff.unknown'),
                },
                {
                  key: 'card',
                  label: t('healthCard.staff.cardNo'),
                  children: <span data-testid="health-card-number">{result.cardNo}</span>,
                },
                {
                  key: 'at',
                  label: t('healthCard.staff.verifiedAt'),
                  children: formatDateTime(result.verifiedAt, i18n.language),
                },
              ]}
            />
          </Card>
        )}
      </section>
    </div>
  );
}
