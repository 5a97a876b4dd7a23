import {
  AimOutlined,
  AlertOutlined,
  EnvironmentOutlined,
  LoginOutlined,
  LogoutOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  type ButtonProps,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CheckOutBody, HomeServiceDetail, Position } from '../../../shared/family-doctor.js';
import { post } from '../../api.js';
import { ErrorAlert } from './parts.js';
import { type Geo, positionText, useGeolocation } from './useGeolocation.js';

/** What the browser's position is now: the coordinates, or why there are none. */
export function GeoStatus({ geo }: { geo: Geo }) {
  const { t } = useTranslation();
  if (geo.failure)
    return (
      <Alert
        type="warning"
        showIcon
        className="fd-block"
        title={t(`fdStaff.geo.${geo.failure}`)}
        description={geo.failure === 'denied' ? t('fdStaff.geo.deniedHelp') : undefined}
        data-testid="fd-geo-failure"
        data-failure={geo.failure}
      />
    );
  if (!geo.position)
    return <Typography.Paragraph type="secondary">{t('fdStaff.geo.none')}</Typography.Paragraph>;
  return (
    <Typography.Paragraph data-testid="fd-geo-position">
      <EnvironmentOutlined aria-hidden /> {t('fdStaff.geo.current')}{' '}
      <span className="fd-mono">{positionText(geo.position, (m) => t('fdStaff.geo.accuracy', { m }))}</span>
    </Typography.Paragraph>
  );
}

function LocateButton({ geo }: { geo: Geo }) {
  const { t } = useTranslation();
  return (
    <Button
      icon={<AimOutlined aria-hidden />}
      loading={geo.locating}
      onClick={() => void geo.locate()}
      data-testid="fd-locate"
    >
      {geo.position ? t('fdStaff.geo.relocate') : t('fdStaff.geo.locate')}
    </Button>
  );
}

/**
 * 签到 (FD-9): the client's code (核验码, shown in the resident's app) and where the nurse stands now; without
 * the code the server refuses the check-in.
 */
export function CheckInPanel({ service, onDone }: { service: HomeServiceDetail; onDone(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const geo = useGeolocation();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function checkIn() {
    const position = geo.position ?? (await geo.locate());
    if (!position) return;
    setBusy(true);
    setError(undefined);
    try {
      await post(`/home-services/${service.id}/check-in`, { clientCode: code.trim(), position });
      void message.success(t('fdStaff.visit.checkedIn'));
      onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="fd-panel" aria-labelledby="fd-checkin-title" data-testid="fd-checkin">
      <Typography.Title level={3} id="fd-checkin-title" className="fd-h fd-h--flush">
        {t('fdStaff.visit.checkIn')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('fdStaff.visit.checkInIntro')}</Typography.Paragraph>
      <label htmlFor="fd-client-code" className="fd-label">
        {t('fdStaff.visit.clientCode')}
      </label>
      <Input
        id="fd-client-code"
        className="fd-code"
        value={code}
        maxLength={8}
        autoComplete="off"
        inputMode="numeric"
        placeholder={t('fdStaff.visit.clientCodeHint')}
        onChange={(e) => setCode(e.target.value.replace(/\s/g, ''))}
        data-testid="fd-client-code"
      />
      <div className="fd-geo">
        <LocateButton geo={geo} />
        <GeoStatus geo={geo} />
      </div>
      {error !== undefined && <ErrorAlert error={error} />}
      <Button
        type="primary"
        icon={<LoginOutlined aria-hidden />}
        disabled={code.length < 4}
        loading={busy || geo.locating}
        onClick={() => void checkIn()}
        data-testid="fd-checkin-submit"
      >
        {t('fdStaff.visit.checkInSubmit')}
      </Button>
    </section>
  );
}

interface CheckOutValues {
  summary: string;
  systolic?: number;
  diastolic?: number;
  pulse?: number;
  temperature?: number;
  materials?: string[];
  advice?: string;
}

function recordOf(v: CheckOutValues): CheckOutBody['record'] {
  const vitals: NonNullable<CheckOutBody['record']['vitals']> = {};
  for (const key of ['systolic', 'diastolic', 'pulse', 'temperature'] as const) {
    const value = v[key];
    if (typeof value === 'number') vitals[key] = value;
  }
  return {
    summary: v.summary.trim(),
    ...(Object.keys(vitals).length > 0 ? { vitals } : {}),
    ...(v.materials && v.materials.length > 0
      ? { materials: v.materials.map((m) => m.trim()).filter(Boolean) }
      : {}),
    ...(v.advice?.trim() ? { advice: v.advice.trim() } : {}),
  };
}

/**
 * 服务中: 上报位置, the red 紧急求助 (confirmed first; the institution is alerted with the position when the
 * browser gives one), and 签退 with the service record and the position where it ends.
 */
export function InServicePanel({ service, onDone }: { service: HomeServiceDetail; onDone(): void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const geo = useGeolocation();
  const [form] = Form.useForm<CheckOutValues>();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();

  async function send(
    action: 'position' | 'panic' | 'check-out',
    body: object,
    done: 'fdStaff.visit.positionSent' | 'fdStaff.visit.panicSent' | 'fdStaff.visit.checkedOut',
  ) {
    setBusy(action);
    setError(undefined);
    try {
      await post(`/home-services/${service.id}/${action}`, body);
      void message.success(t(done));
      onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  }

  async function report() {
    const position = await geo.locate();
    if (position) await send('position', { position }, 'fdStaff.visit.positionSent');
  }

  function panic() {
    modal.confirm({
      title: t('fdStaff.visit.panicConfirm'),
      content: t('fdStaff.visit.panicConfirmText'),
      okText: t('fdStaff.visit.panicOk'),
      okButtonProps: { danger: true, 'data-testid': 'fd-panic-ok' } as ButtonProps,
      cancelText: t('fdStaff.common.cancel'),
      onOk: async () => {
        const position: Position | null = geo.position ?? (await geo.locate());
        await send('panic', position ? { position } : {}, 'fdStaff.visit.panicSent');
      },
    });
  }

  async function checkOut(values: CheckOutValues) {
    const position = geo.position ?? (await geo.locate());
    if (!position) return;
    await send('check-out', { position, record: recordOf(values) }, 'fdStaff.visit.checkedOut');
  }

  const vital = (name: keyof CheckOutValues, label: string, min: number, max: number, step = 1) => (
    <Form.Item name={name} label={label}>
      <InputNumber min={min} max={max} step={step} className="fd-number" />
    </Form.Item>
  );

  return (
    <section className="fd-panel" aria-labelledby="fd-service-title" data-testid="fd-in-service">
      <Typography.Title level={3} id="fd-service-title" className="fd-h fd-h--flush">
        {t('fdStaff.visit.inService')}
      </Typography.Title>
      <Space wrap className="fd-block">
        <Button
          icon={<EnvironmentOutlined aria-hidden />}
          loading={busy === 'position'}
          onClick={() => void report()}
          data-testid="fd-report-position"
        >
          {t('fdStaff.visit.reportPosition')}
        </Button>
        <Button
          type="primary"
          danger
          size="large"
          icon={<AlertOutlined aria-hidden />}
          loading={busy === 'panic'}
          onClick={panic}
          className="fd-panic"
          data-testid="fd-panic"
        >
          {t('fdStaff.visit.panic')}
        </Button>
      </Space>
      <GeoStatus geo={geo} />
      {error !== undefined && <ErrorAlert error={error} />}
      <Typography.Title level={4} className="fd-h">
        {t('fdStaff.visit.checkOut')}
      </Typography.Title>
      <Form<CheckOutValues>
        form={form}
        layout="vertical"
        onFinish={(v) => void checkOut(v)}
        data-testid="fd-checkout-form"
      >
        <Form.Item
          name="summary"
          label={t('fdStaff.visit.summary')}
          rules={[{ required: true, min: 2, whitespace: true, message: t('fdStaff.visit.summaryRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="fd-checkout-summary" />
        </Form.Item>
        <fieldset className="fd-fieldset">
          <legend>{t('fdStaff.visit.vitals')}</legend>
          <div className="fd-grid">
            {vital('systolic', t('fdStaff.followup.systolic'), 40, 300)}
            {vital('diastolic', t('fdStaff.followup.diastolic'), 20, 200)}
            {vital('pulse', t('fdStaff.visit.pulse'), 20, 250)}
            {vital('temperature', t('fdStaff.visit.temperature'), 30, 45, 0.1)}
          </div>
        </fieldset>
        <Form.Item name="materials" label={t('fdStaff.visit.materials')}>
          <Select
            mode="tags"
            maxCount={20}
            placeholder={t('fdStaff.visit.materialsHint')}
            open={false}
            suffixIcon={null}
          />
        </Form.Item>
        <Form.Item name="advice" label={t('fdStaff.visit.advice')}>
          <Input.TextArea rows={2} maxLength={1000} showCount />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          icon={<LogoutOutlined aria-hidden />}
          loading={busy === 'check-out' || geo.locating}
          data-testid="fd-checkout-submit"
        >
          {t('fdStaff.visit.checkOutSubmit')}
        </Button>
      </Form>
    </section>
  );
}
