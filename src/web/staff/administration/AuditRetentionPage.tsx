import { SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, InputNumber, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  AUDIT_RETENTION_MAX_MONTHS,
  type AuditRetention,
  type AuditRetentionKind,
  type AuditRetentionSetting,
  type RetentionScheduleEntry,
} from '../../../shared/privacy.js';
import { put } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { CardHeading, Section, useTableCaption } from '../records/captioned.js';
import { rowTestId } from '../scheduling/BookingsTable.js';
import { instant } from './parts.js';
import './administration.css';

/** 10 years, 15 years, 6 months: a number of months in words. */
function useMonths() {
  const { t } = useTranslation();
  return (months: number | null) => {
    if (months === null) return t('administration.retention.whileAccount');
    if (months % 12 === 0) return t('administration.retention.years', { count: months / 12 });
    return t('administration.retention.months', { count: months });
  };
}

/**
 * 审计记录保存期限 (DJ-15, DJ-16): the audit administrator sets how long each kind of audit record stays
 * online before it may be archived — never below its legal floor (the server refuses with
 * RETENTION_BELOW_FLOOR) and never deleted; beside it, the platform's whole retention schedule (read-only).
 */
export function AuditRetentionPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const retention = useApiData<AuditRetention>('/audit/retention');
  const [edits, setEdits] = useState<Partial<Record<AuditRetentionKind, number>>>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const months = useMonths();
  const en = i18n.language === 'en-US';
  const settingsCaption = useTableCaption(t('administration.retention.settingsCaption'));
  const scheduleCaption = useTableCaption(t('administration.retention.scheduleCaption'));

  const kinds = retention.data?.kinds ?? [];
  const changed = kinds.filter((k) => edits[k.kind] !== undefined && edits[k.kind] !== k.monthsOnline);

  async function save() {
    setBusy(true);
    setFailure(undefined);
    try {
      const next = await put<AuditRetention>('/audit/retention', {
        kinds: changed.map((k) => ({ kind: k.kind, monthsOnline: edits[k.kind] })),
      });
      retention.setData(next);
      setEdits({});
      message.success(t('administration.retention.saved'));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const columns: TableColumnsType<AuditRetentionSetting> = [
    {
      title: t('administration.retention.kind'),
      key: 'kind',
      width: 180,
      render: (_, k) => <Typography.Text strong>{en ? k.labelEn : k.label}</Typography.Text>,
    },
    {
      title: t('administration.retention.monthsOnline'),
      key: 'months',
      width: 200,
      render: (_, k) => (
        <div>
          <InputNumber
            min={k.floorMonths}
            max={AUDIT_RETENTION_MAX_MONTHS}
            precision={0}
            value={edits[k.kind] ?? k.monthsOnline}
            onChange={(value) => setEdits((e) => ({ ...e, [k.kind]: value ?? undefined }))}
            suffix={t('administration.retention.monthUnit')}
            aria-label={t('administration.retention.monthsLabel', { kind: en ? k.labelEn : k.label })}
            data-testid={`retention-months-${k.kind}`}
          />
          <div className="adm-sub">{months(edits[k.kind] ?? k.monthsOnline)}</div>
        </div>
      ),
    },
    {
      title: t('administration.retention.floor'),
      key: 'floor',
      render: (_, k) => (
        <div>
          <div>{months(k.floorMonths)}</div>
          <div className="adm-sub">{k.rule}</div>
        </div>
      ),
    },
    {
      title: t('administration.retention.eligible'),
      key: 'eligible',
      width: 120,
      render: (_, k) => k.eligibleForArchive,
    },
    {
      title: t('administration.retention.updated'),
      key: 'updated',
      width: 170,
      render: (_, k) =>
        k.updatedAt ? (
          <span className="adm-num nowrap">{instant(k.updatedAt)}</span>
        ) : (
          <Tag>{t('administration.retention.default')}</Tag>
        ),
    },
  ];

  const AFTER_COLOR = {
    archive: 'blue',
    anonymise: 'purple',
    delete: 'default',
    keep_online: 'green',
  } as const;
  const scheduleColumns: TableColumnsType<RetentionScheduleEntry> = [
    {
      title: t('administration.retention.dataKind'),
      key: 'label',
      width: 180,
      render: (_, s) => (en ? s.labelEn : s.label),
    },
    {
      title: t('administration.retention.period'),
      key: 'period',
      width: 190,
      render: (_, s) => (
        <div>
          <div>{months(s.months)}</div>
          <div className="adm-sub">{t('administration.retention.from', { from: s.from })}</div>
        </div>
      ),
    },
    {
      title: t('administration.retention.after'),
      key: 'after',
      width: 110,
      render: (_, s) => (
        <Tag color={AFTER_COLOR[s.after]}>{t(`administration.retention.afterKind.${s.after}`)}</Tag>
      ),
    },
    { title: t('administration.retention.rule'), key: 'rule', width: 130, render: (_, s) => s.rule ?? '—' },
    {
      title: t('administration.retention.why'),
      key: 'why',
      render: (_, s) => <span className="adm-why">{en ? s.whyEn : s.why}</span>,
    },
  ];

  return (
    <div className="staff-page" data-testid="audit-retention-page">
      <Card
        variant="borderless"
        title={<CardHeading>{t('staff.cards.auditRetention.title')}</CardHeading>}
        extra={
          <Button
            type="primary"
            icon={<SaveOutlined aria-hidden />}
            disabled={changed.length === 0}
            loading={busy}
            onClick={save}
            data-testid="retention-save"
          >
            {t('administration.retention.save')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('administration.retention.intro')}</Typography.Paragraph>
        {retention.error !== undefined && (
          <Alert type="error" showIcon className="adm-alert" title={errorText(retention.error, t)} />
        )}
        {failure !== undefined && (
          <Alert type="error" showIcon className="adm-alert" title={errorText(failure, t)} />
        )}
        <Table<AuditRetentionSetting>
          rowKey="kind"
          size="middle"
          columns={columns}
          dataSource={kinds}
          components={settingsCaption}
          loading={retention.data === undefined && retention.error === undefined}
          pagination={false}
          scroll={{ x: 860 }}
          onRow={rowTestId('retention-row')}
        />
        {retention.data && (
          <div className="adm-note-block">
            <Typography.Paragraph className="adm-note-block__text">
              {en ? retention.data.noteEn : retention.data.note}
            </Typography.Paragraph>
            <Typography.Text type="secondary" className="adm-note-block__meta">
              {retention.data.lastRun
                ? t('administration.retention.lastRun', { at: instant(retention.data.lastRun.at) })
                : t('administration.retention.neverRun')}
            </Typography.Text>
          </div>
        )}
        {retention.data && (
          <Section title={t('administration.retention.schedule')} className="adm-section">
            <Table<RetentionScheduleEntry>
              rowKey="kind"
              size="small"
              columns={scheduleColumns}
              dataSource={retention.data.schedule}
              components={scheduleCaption}
              pagination={false}
              scroll={{ x: 860 }}
            />
          </Section>
        )}
      </Card>
    </div>
  );
}
