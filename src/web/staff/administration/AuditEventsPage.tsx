import { DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, App, AutoComplete, Button, Card, Form, Input, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEventPage, AuditEventView } from '../../../shared/administration.js';
import { get, getBlob } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../../format.js';
import { CardHeading } from '../records/captioned.js';
import { DaySelect } from '../supervision/DaySelect.js';
import { EventsTable } from './EventsTable.js';
import './administration.css';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** How far back the day lists reach (older records: narrow by id or action, or export). */
const DAYS_BACK = 730;
/** Action prefixes offered while typing (any prefix of [a-z0-9_.] may be typed). */
const ACTION_HINTS = [
  'admin.',
  'admin.account.lock',
  'admin.account.unlock',
  'admin.account.create',
  'admin.account.roles',
  'audit.',
  'auth.',
  'auth.login',
  'security.',
  'record.',
  'prescription.',
  'visit.',
];

interface FormValues {
  fromDay?: string;
  fromTime?: string;
  toDay?: string;
  toTime?: string;
  actorId?: string;
  patientId?: string;
  action?: string;
  outcome?: 'success' | 'failure';
}

/** The search's filters as the API takes them (`from` inclusive, `to` exclusive, Beijing time). */
type Filters = Partial<Record<'from' | 'to' | 'actorId' | 'patientId' | 'action' | 'outcome', string>>;

function toFilters(v: FormValues): Filters {
  const filters: Filters = {};
  if (v.fromDay) filters.from = shanghaiInstant(v.fromDay, v.fromTime || '00:00').toISOString();
  if (v.toDay) {
    // The end is the minute typed (inclusive): the API's `to` is exclusive, so one minute later.
    const end = shanghaiInstant(v.toDay, v.toTime || '23:59');
    filters.to = new Date(end.getTime() + 60_000).toISOString();
  }
  if (v.actorId?.trim()) filters.actorId = v.actorId.trim();
  if (v.patientId?.trim()) filters.patientId = v.patientId.trim();
  if (v.action?.trim()) filters.action = v.action.trim();
  if (v.outcome) filters.outcome = v.outcome;
  return filters;
}

function query(filters: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value) params.set(key, value);
  return params.toString();
}

/** Saves a Blob under a file name (the API's CSV, fetched with the bearer token). */
function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/**
 * 审计日志查询 (DJ-15, the audit administrator only): audit events by time range, actor, patient, action and
 * outcome, newest first, "load more" by keyset; the same filters export as CSV (audited, rate-limited: a
 * refusal says so). Reading the log is itself audited.
 */
export function AuditEventsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [filters, setFilters] = useState<Filters>({});
  const first = useApiData<AuditEventPage>(`/audit/events?${query(filters, { limit: '50' })}`);
  const [more, setMore] = useState<AuditEventPage[]>([]);
  const [loading, setLoading] = useState(false);
  const [exporting, setExporting] = useState(false);
  const pages = first.data ? [first.data, ...more] : [];
  const events = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;
  const today = shanghaiDate();

  async function search() {
    let values: FormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setMore([]);
    setFilters(toFilters(values));
    if (JSON.stringify(toFilters(values)) === JSON.stringify(filters)) first.reload();
  }

  function narrow(values: Partial<FormValues>) {
    form.setFieldsValue(values);
    void search();
  }

  function reset() {
    form.resetFields();
    setMore([]);
    setFilters({});
  }

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const next = await get<AuditEventPage>(
        `/audit/events?${query(filters, { limit: '50', before: cursor })}`,
      );
      setMore((loaded) => [...loaded, next]);
    } catch (error) {
      message.error(errorText(error, t));
    } finally {
      setLoading(false);
    }
  }

  async function exportCsv() {
    setExporting(true);
    try {
      const blob = await getBlob(`/audit/events/export?${query(filters)}`);
      download(blob, `audit-events-${today}.csv`);
      message.success(t('administration.audit.exported'));
    } catch (error) {
      message.error(errorText(error, t));
    } finally {
      setExporting(false);
    }
  }

  const uuidRule = { pattern: UUID, message: t('administration.audit.idInvalid') };
  const timeRule = { pattern: TIME, message: t('administration.audit.timeInvalid') };

  return (
    <div className="staff-page" data-testid="audit-events-page">
      <Card
        variant="borderless"
        title={<CardHeading>{t('staff.cards.auditEvents.title')}</CardHeading>}
        extra={
          <Button
            icon={<DownloadOutlined aria-hidden />}
            loading={exporting}
            onClick={exportCsv}
            data-testid="audit-export"
          >
            {t('administration.audit.export')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('administration.audit.intro')}</Typography.Paragraph>
        <Form<FormValues>
          form={form}
          layout="vertical"
          className="adm-filters"
          onFinish={search}
          data-testid="audit-filters"
        >
          <div className="adm-filters__grid">
            <Form.Item label={t('administration.audit.from')} className="adm-filters__range">
              <div className="adm-filters__pair">
                <Form.Item name="fromDay" noStyle>
                  <DaySelect
                    from={addDays(today, -DAYS_BACK)}
                    days={DAYS_BACK + 1}
                    descending
                    allowClear
                    className="adm-filters__day"
                    placeholder={t('administration.audit.dayPlaceholder')}
                    aria-label={t('administration.audit.fromDay')}
                    data-testid="audit-from-day"
                  />
                </Form.Item>
                <Form.Item name="fromTime" noStyle rules={[timeRule]}>
                  <Input
                    className="adm-filters__time"
                    placeholder="00:00"
                    maxLength={5}
                    aria-label={t('administration.audit.fromTime')}
                  />
                </Form.Item>
              </div>
            </Form.Item>
            <Form.Item label={t('administration.audit.to')} className="adm-filters__range">
              <div className="adm-filters__pair">
                <Form.Item name="toDay" noStyle>
                  <DaySelect
                    from={addDays(today, -DAYS_BACK)}
                    days={DAYS_BACK + 1}
                    descending
                    allowClear
                    className="adm-filters__day"
                    placeholder={t('administration.audit.dayPlaceholder')}
                    aria-label={t('administration.audit.toDay')}
                    data-testid="audit-to-day"
                  />
                </Form.Item>
                <Form.Item name="toTime" noStyle rules={[timeRule]}>
                  <Input
                    className="adm-filters__time"
                    placeholder="23:59"
                    maxLength={5}
                    aria-label={t('administration.audit.toTime')}
                  />
                </Form.Item>
              </div>
            </Form.Item>
            <Form.Item name="action" label={t('administration.audit.action')}>
              <AutoComplete
                allowClear
                options={ACTION_HINTS.map((value) => ({ value }))}
                filterOption={(input, option) => option?.value.startsWith(input.trim()) ?? false}
              >
                <Input placeholder={t('administration.audit.actionPlaceholder')} data-testid="audit-action" />
              </AutoComplete>
            </Form.Item>
            <Form.Item name="outcome" label={t('administration.audit.outcome')}>
              <Select
                allowClear
                placeholder={t('administration.audit.anyOutcome')}
                options={(['success', 'failure'] as const).map((value) => ({
                  value,
                  label: t(`administration.outcome.${value}`),
                }))}
                data-testid="audit-outcome"
              />
            </Form.Item>
            <Form.Item name="actorId" label={t('administration.audit.actorId')} rules={[uuidRule]}>
              <Input
                allowClear
                className="adm-mono"
                placeholder={t('administration.audit.idPlaceholder')}
                data-testid="audit-actor-id"
              />
            </Form.Item>
            <Form.Item name="patientId" label={t('administration.audit.patientId')} rules={[uuidRule]}>
              <Input
                allowClear
                className="adm-mono"
                placeholder={t('administration.audit.idPlaceholder')}
                data-testid="audit-patient-id"
              />
            </Form.Item>
          </div>
          <div className="adm-filters__actions">
            <Typography.Text type="secondary" className="adm-filters__hint">
              {t('administration.audit.hint')}
            </Typography.Text>
            <Button onClick={reset}>{t('administration.audit.reset')}</Button>
            <Button
              type="primary"
              htmlType="submit"
              icon={<SearchOutlined aria-hidden />}
              data-testid="audit-search"
            >
              {t('administration.search')}
            </Button>
          </div>
        </Form>
        {first.error !== undefined && (
          <Alert type="error" showIcon className="adm-alert" title={errorText(first.error, t)} />
        )}
        <EventsTable
          events={events}
          loading={first.data === undefined && first.error === undefined}
          caption={t('administration.audit.caption')}
          emptyText={t('administration.audit.empty')}
          onActor={(actor: NonNullable<AuditEventView['actor']>) => narrow({ actorId: actor.id })}
          onPatient={(patient) => narrow({ patientId: patient.id })}
        />
        {cursor && (
          <div className="adm-more">
            <Button onClick={loadMore} loading={loading} data-testid="audit-load-more">
              {t('administration.loadMore')}
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}
