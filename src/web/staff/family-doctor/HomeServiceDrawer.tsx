import { CheckOutlined, SafetyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Drawer, Spin, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HomeServiceDetail } from '../../../shared/family-doctor.js';
import { post } from '../../api.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatWindow, formatYuan } from '../../format.js';
import { dateTime, ErrorAlert, ServiceStatusTag, sexAge } from './parts.js';
import { CheckInPanel, InServicePanel } from './VisitPanels.js';

const text = (value: unknown) => (typeof value === 'string' && value ? value : null);

/** The visit record as kept at check-out: summary, vitals, materials, advice. */
function RecordView({ record }: { record: Record<string, unknown> }) {
  const { t } = useTranslation();
  const vitals = (record.vitals ?? {}) as Record<string, number | undefined>;
  const materials = Array.isArray(record.materials) ? (record.materials as string[]) : [];
  const vitalText = [
    vitals.systolic && vitals.diastolic ? `${vitals.systolic}/${vitals.diastolic} mmHg` : null,
    vitals.pulse ? t('fdStaff.reading.pulse', { pulse: vitals.pulse }) : null,
    vitals.temperature ? `${vitals.temperature} ℃` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Descriptions size="small" column={1} bordered data-testid="fd-service-record">
      <Descriptions.Item label={t('fdStaff.visit.summary')}>
        <span className="fd-pre">{text(record.summary) ?? t('fdStaff.common.none')}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t('fdStaff.visit.vitals')}>
        {vitalText || t('fdStaff.common.none')}
      </Descriptions.Item>
      <Descriptions.Item label={t('fdStaff.visit.materials')}>
        {materials.length > 0 ? materials.join(t('fdStaff.common.sep')) : t('fdStaff.common.none')}
      </Descriptions.Item>
      <Descriptions.Item label={t('fdStaff.visit.advice')}>
        <span className="fd-pre">{text(record.advice) ?? t('fdStaff.common.none')}</span>
      </Descriptions.Item>
    </Descriptions>
  );
}

/**
 * One home-service order (FD-5, FD-9): who, what, when and where (the full address once accepted by me),
 * its check-in / position / panic / check-out events; and the step this nurse or doctor may take now —
 * 接单, 签到 with the client's code, 服务中 (position, panic, 签退) — or 处理求助 for the institution.
 */
export function HomeServiceDrawer({
  serviceId,
  onClose,
  onChanged,
}: {
  serviceId: string | null;
  onClose(): void;
  onChanged(): void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const detail = useApiData<HomeServiceDetail>(serviceId ? `/home-services/${serviceId}` : null);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const s = detail.data?.id === serviceId ? detail.data : undefined;
  const mine = !!s?.provider && s.provider.practitionerId === me.practitionerId;

  function changed() {
    detail.reload();
    onChanged();
  }

  async function act(
    action: 'accept' | 'panic/handle',
    done: 'fdStaff.service.accepted' | 'fdStaff.service.panicHandled',
  ) {
    if (!s) return;
    setBusy(action);
    setError(undefined);
    try {
      await post(`/home-services/${s.id}/${action}`, {});
      void message.success(t(done));
      changed();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <Drawer
      open={serviceId !== null}
      onClose={() => {
        setError(undefined);
        onClose();
      }}
      size={680}
      destroyOnHidden
      title={s ? t('fdStaff.service.detailTitle', { no: s.serviceNo }) : t('fdStaff.service.detail')}
      data-testid="home-service-drawer"
    >
      {detail.error !== undefined && <Alert type="error" showIcon title={errorText(detail.error, t)} />}
      {!s && detail.error === undefined && <Spin className="staff-page__spin" />}
      {s && (
        <section
          className="fd-drawer"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the drawer's body scrolls long content whose actions sit in the header; the region takes keyboard focus so it can be scrolled without a mouse (axe scrollable-region-focusable).
          tabIndex={0}
          aria-label={t('fdStaff.service.detailTitle', { no: s.serviceNo })}
        >
          {s.panic && (
            <Alert
              type="error"
              showIcon
              className="fd-block"
              title={t(mine ? 'fdStaff.service.panicMine' : 'fdStaff.service.panicOpen')}
              action={
                !mine && (
                  <Button
                    danger
                    loading={busy === 'panic/handle'}
                    onClick={() => void act('panic/handle', 'fdStaff.service.panicHandled')}
                    data-testid="fd-panic-handle"
                  >
                    {t('fdStaff.service.panicHandle')}
                  </Button>
                )
              }
              data-testid="fd-panic-open"
            />
          )}
          {error !== undefined && <ErrorAlert error={error} />}
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('fdStaff.service.status')}>
              <ServiceStatusTag status={s.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('fdStaff.service.patient')}>
              {s.patient.name} · {sexAge(s.patient.sex, s.patient.age, t)}
            </Descriptions.Item>
            <Descriptions.Item label={t('fdStaff.service.item')}>
              {s.item.name} · {t(`fdStaff.category.${s.item.category}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('fdStaff.service.fee')}>
              {t('fdStaff.service.feeValue', {
                total: formatYuan(s.feeFen),
                item: formatYuan(s.item.itemFeeFen),
                visit: formatYuan(s.item.visitFeeFen),
              })}
            </Descriptions.Item>
            <Descriptions.Item label={t('fdStaff.service.window')}>
              {formatWindow(s.window.start, s.window.end, i18n.language)}
            </Descriptions.Item>
            <Descriptions.Item label={t('fdStaff.service.address')}>
              <span data-testid="fd-service-address">{s.address}</span>
              {!mine && <div className="fd-muted">{t('fdStaff.service.addressMasked')}</div>}
            </Descriptions.Item>
            {s.note && <Descriptions.Item label={t('fdStaff.service.note')}>{s.note}</Descriptions.Item>}
            <Descriptions.Item label={t('fdStaff.service.provider')}>
              {s.provider ? `${s.provider.name} ${s.provider.professionalTitle}` : t('fdStaff.common.none')}
            </Descriptions.Item>
            <Descriptions.Item label={t('fdStaff.service.institution')}>
              {s.institutionName}
            </Descriptions.Item>
          </Descriptions>

          {s.status === 'requested' && (
            <section className="fd-panel" aria-labelledby="fd-accept-title">
              <Typography.Title level={3} id="fd-accept-title" className="fd-h fd-h--flush">
                {t('fdStaff.service.acceptTitle')}
              </Typography.Title>
              <Typography.Paragraph type="secondary">{t('fdStaff.service.acceptIntro')}</Typography.Paragraph>
              <Button
                type="primary"
                icon={<CheckOutlined aria-hidden />}
                loading={busy === 'accept'}
                onClick={() => void act('accept', 'fdStaff.service.accepted')}
                data-testid="fd-accept"
              >
                {t('fdStaff.service.accept')}
              </Button>
            </section>
          )}
          {s.status === 'accepted' && mine && <CheckInPanel service={s} onDone={changed} />}
          {s.status === 'in_service' && mine && <InServicePanel service={s} onDone={changed} />}
          {s.record && (
            <>
              <Typography.Title level={3} className="fd-h">
                {t('fdStaff.visit.record')}
              </Typography.Title>
              <RecordView record={s.record} />
            </>
          )}

          <Typography.Title level={3} className="fd-h">
            <SafetyOutlined aria-hidden /> {t('fdStaff.service.events')}
          </Typography.Title>
          <Timeline
            data-testid="fd-service-events"
            items={[
              {
                key: 'created',
                color: 'blue',
                children: `${t('fdStaff.event.created')} · ${dateTime(s.createdAt)}`,
              },
              ...(s.acceptedAt
                ? [
                    {
                      key: 'accepted',
                      color: 'blue',
                      children: `${t('fdStaff.event.accepted')} · ${dateTime(s.acceptedAt)}`,
                    },
                  ]
                : []),
              ...s.events.map((e, i) => ({
                key: `${e.kind}-${i}`,
                color: e.kind === 'panic' ? 'red' : e.kind === 'check_out' ? 'green' : 'blue',
                children: (
                  <span data-testid="fd-service-event" data-kind={e.kind}>
                    {t(`fdStaff.event.${e.kind}`)} · {dateTime(e.at)}
                    {e.latitude !== null && e.longitude !== null && (
                      <span className="fd-muted fd-mono">
                        {' '}
                        ({e.latitude.toFixed(5)}, {e.longitude.toFixed(5)})
                      </span>
                    )}
                    {e.note && <span className="fd-muted"> · {e.note}</span>}
                  </span>
                ),
              })),
            ]}
          />
        </section>
      )}
    </Drawer>
  );
}
