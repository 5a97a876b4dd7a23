import { FileSearchOutlined, FormOutlined, SwapOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { Static } from 'typebox';
import type {
  ContractView,
  FollowupView,
  PatientFollowups,
  PlanView,
  ReadingView,
} from '../../../shared/family-doctor.js';
import type { Page } from '../../../shared/http.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatYuan } from '../../format.js';
import { useTableCaption } from '../records/captioned.js';
import { ClassificationTag, dateTime, query, readingText } from './parts.js';

const ReadingsChart = lazy(() => import('./ReadingsChart.js'));

type Followups = Static<typeof PatientFollowups>;

export interface ResidentRef {
  patientId: string;
  name: string;
  contract?: ContractView;
}

/** The summary a referral starts from: conditions, the latest home readings, the last follow-up. */
export function referralSummary(
  plans: PlanView[],
  readings: ReadingView[],
  followups: FollowupView[],
  t: TFunction,
): string {
  const lines: string[] = [];
  const conditions = plans
    .filter((p) => p.status === 'active')
    .map((p) => t(`fdStaff.condition.${p.condition}`));
  if (conditions.length > 0)
    lines.push(t('fdStaff.summary.diagnosis', { list: conditions.join(t('fdStaff.common.sep')) }));
  const latest = [...readings].sort((a, b) => b.measuredAt.localeCompare(a.measuredAt)).slice(0, 5);
  if (latest.length > 0)
    lines.push(
      t('fdStaff.summary.readings', {
        list: latest
          .map(
            (r) =>
              `${dateTime(r.measuredAt).slice(0, 10)} ${readingText(r, t)}（${t(`fdStaff.classification.${r.classification}`)}）`,
          )
          .join(t('fdStaff.common.sep')),
      }),
    );
  const last = followups
    .filter((f) => f.status === 'done' && f.doneAt)
    .sort((a, b) => (b.doneAt ?? '').localeCompare(a.doneAt ?? ''))[0];
  if (last?.classification)
    lines.push(
      t('fdStaff.summary.lastFollowup', {
        date: dateTime(last.doneAt ?? '').slice(0, 10),
        result: t(`fdStaff.classification.${last.classification}`),
      }),
    );
  const streak = Math.max(0, ...plans.map((p) => p.uncontrolledStreak));
  if (streak >= 2) lines.push(t('fdStaff.summary.streak', { count: streak }));
  lines.push(t('fdStaff.summary.reason'));
  return lines.join('\n');
}

/**
 * A contracted resident (签约居民): the contract, the chronic plans, a year of home readings as a chart with
 * the guideline lines, the follow-up history; 随访 (the next due follow-up), 转诊 (up, summary prefilled),
 * and the resident's health archive (the team reads it under the contract relationship, REC).
 */
export function ResidentDrawer({
  resident,
  onClose,
  onFollowup,
  onRefer,
}: {
  resident: ResidentRef | null;
  onClose(): void;
  onFollowup(followup: FollowupView): void;
  /** Doctors only (a referral is a doctor's act). */
  onRefer?(resident: ResidentRef, summary: string): void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const id = resident?.patientId;
  const contracts = useApiData<Page<ContractView>>(
    id && !resident?.contract ? query('/family-doctor/contracts', { patientId: id, limit: 5 }) : null,
  );
  const followups = useApiData<Followups>(id ? `/family-doctor/patients/${id}/followups` : null);
  const readings = useApiData<Page<ReadingView>>(id ? `/patients/${id}/readings?limit=200` : null);
  const historyCaption = useTableCaption(t('fdStaff.resident.history'));
  const readingsCaption = useTableCaption(t('fdStaff.resident.latestReadings'));

  const contract =
    resident?.contract ??
    contracts.data?.items.find((c) => c.status === 'active') ??
    contracts.data?.items[0];
  const plans = followups.data?.plans ?? [];
  const history = followups.data?.followups ?? [];
  const nextDue = history.filter((f) => f.status === 'due').sort((a, b) => a.dueOn.localeCompare(b.dueOn))[0];
  const items = readings.data?.items ?? [];
  const hasBp = items.some((r) => r.kind === 'bp');
  const hasGlucose = items.some((r) => r.kind === 'glucose');

  return (
    <Drawer
      open={resident !== null}
      onClose={onClose}
      size={760}
      destroyOnHidden
      title={resident ? t('fdStaff.resident.title', { name: resident.name }) : ''}
      data-testid="resident-drawer"
      extra={
        resident && (
          <Space wrap>
            <Tooltip title={nextDue ? undefined : t('fdStaff.resident.noDue')}>
              <Button
                type="primary"
                icon={<FormOutlined aria-hidden />}
                disabled={!nextDue}
                onClick={() => nextDue && onFollowup(nextDue)}
                data-testid="resident-followup"
              >
                {t('fdStaff.resident.followup')}
              </Button>
            </Tooltip>
            {onRefer && (
              <Button
                icon={<SwapOutlined aria-hidden />}
                onClick={() => onRefer(resident, referralSummary(plans, items, history, t))}
                data-testid="resident-refer"
              >
                {t('fdStaff.resident.refer')}
              </Button>
            )}
            <Button
              icon={<FileSearchOutlined aria-hidden />}
              onClick={() => navigate(`/clinic/carePatients/${resident.patientId}`)}
              data-testid="resident-archive"
            >
              {t('fdStaff.resident.archive')}
            </Button>
          </Space>
        )
      }
    >
      {resident && (
        <section
          className="fd-drawer"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the drawer's body scrolls long content whose actions sit in the header; the region takes keyboard focus so it can be scrolled without a mouse (axe scrollable-region-focusable).
          tabIndex={0}
          aria-label={t('fdStaff.resident.title', { name: resident.name })}
        >
          {[contracts.error, followups.error, readings.error]
            .filter((e) => e !== undefined)
            .map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: at most three fixed sources.
              <Alert key={i} type="error" showIcon className="fd-block" title={errorText(e, t)} />
            ))}
          <Typography.Title level={3} className="fd-h">
            {t('fdStaff.resident.contract')}
          </Typography.Title>
          {contract ? (
            <Descriptions size="small" column={2} bordered data-testid="resident-contract">
              <Descriptions.Item label={t('fdStaff.resident.contractNo')}>
                {contract.contractNo}
              </Descriptions.Item>
              <Descriptions.Item label={t('fdStaff.resident.status')}>
                {t(`fdStaff.contractStatus.${contract.status}`)}
              </Descriptions.Item>
              <Descriptions.Item label={t('fdStaff.resident.team')}>{contract.team.name}</Descriptions.Item>
              <Descriptions.Item label={t('fdStaff.resident.term')}>
                {t('fdStaff.residents.termValue', {
                  from: contract.startsOn,
                  to: contract.endsOn,
                  years: contract.years,
                })}
              </Descriptions.Item>
              <Descriptions.Item label={t('fdStaff.resident.packages')} span={2}>
                <span className="fd-tags">
                  {contract.packages.map((p) => (
                    <Tag key={p.packageId}>{p.name}</Tag>
                  ))}
                </span>
              </Descriptions.Item>
              <Descriptions.Item label={t('fdStaff.resident.fee')} span={2}>
                {t('fdStaff.resident.feeValue', {
                  total: formatYuan(contract.feeFen),
                  insurance: formatYuan(contract.insuranceFen),
                  publicHealth: formatYuan(contract.publicHealthFen),
                  resident: formatYuan(contract.residentFen),
                })}
              </Descriptions.Item>
            </Descriptions>
          ) : contracts.data === undefined && contracts.error === undefined ? (
            <Spin />
          ) : (
            <Empty description={t('fdStaff.resident.noContract')} />
          )}

          <Typography.Title level={3} className="fd-h">
            {t('fdStaff.resident.plans')}
          </Typography.Title>
          {plans.length === 0 ? (
            <Typography.Text type="secondary">{t('fdStaff.resident.noPlans')}</Typography.Text>
          ) : (
            <ul className="fd-plans" data-testid="resident-plans">
              {plans.map((p) => (
                <li key={p.id}>
                  <strong>{t(`fdStaff.condition.${p.condition}`)}</strong>
                  <ClassificationTag value={p.lastClassification} />
                  <span className="fd-muted">
                    {t('fdStaff.resident.planLine', {
                      since: p.startedOn,
                      done: p.followupsThisYear,
                      next: p.nextDueOn ?? t('fdStaff.common.none'),
                    })}
                  </span>
                  {p.uncontrolledStreak >= 2 && (
                    <Tag color="orange">{t('fdStaff.resident.streak', { count: p.uncontrolledStreak })}</Tag>
                  )}
                </li>
              ))}
            </ul>
          )}

          <Typography.Title level={3} className="fd-h">
            {t('fdStaff.resident.readings')}
          </Typography.Title>
          {readings.data === undefined && readings.error === undefined ? (
            <Spin />
          ) : items.length === 0 ? (
            <Typography.Text type="secondary">{t('fdStaff.resident.noReadings')}</Typography.Text>
          ) : (
            <>
              <Suspense fallback={<Spin />}>
                {hasBp && <ReadingsChart readings={items} kind="bp" />}
                {hasGlucose && <ReadingsChart readings={items} kind="glucose" />}
              </Suspense>
              <Table<ReadingView>
                rowKey="id"
                size="small"
                components={readingsCaption}
                pagination={{ pageSize: 5, hideOnSinglePage: true, showSizeChanger: false }}
                dataSource={[...items].sort((a, b) => b.measuredAt.localeCompare(a.measuredAt))}
                columns={[
                  {
                    title: t('fdStaff.resident.measuredAt'),
                    key: 'at',
                    render: (_, r) => dateTime(r.measuredAt),
                  },
                  { title: t('fdStaff.resident.value'), key: 'value', render: (_, r) => readingText(r, t) },
                  {
                    title: t('fdStaff.resident.classification'),
                    key: 'c',
                    render: (_, r) => <ClassificationTag value={r.classification} />,
                  },
                ]}
              />
            </>
          )}

          <Typography.Title level={3} className="fd-h">
            {t('fdStaff.resident.history')}
          </Typography.Title>
          <Table<FollowupView>
            rowKey="id"
            size="small"
            components={historyCaption}
            loading={followups.data === undefined && followups.error === undefined}
            pagination={{ pageSize: 6, hideOnSinglePage: true, showSizeChanger: false }}
            dataSource={[...history].sort((a, b) => b.dueOn.localeCompare(a.dueOn))}
            locale={{ emptyText: t('fdStaff.resident.noHistory') }}
            data-testid="resident-history"
            columns={[
              {
                title: t('fdStaff.worklist.due'),
                key: 'due',
                render: (_, f) => <span className="nowrap">{f.dueOn}</span>,
              },
              { title: t('fdStaff.worklist.item'), key: 'title', render: (_, f) => f.title },
              {
                title: t('fdStaff.resident.status'),
                key: 'status',
                render: (_, f) =>
                  f.status === 'done' ? (
                    <span>
                      {t('fdStaff.followupStatus.done')}
                      {f.method ? ` · ${t(`fdStaff.method.${f.method}`)}` : ''}
                    </span>
                  ) : f.overdue && f.status === 'due' ? (
                    <Tag color="red">{t('fdStaff.worklist.overdueTag')}</Tag>
                  ) : (
                    t(`fdStaff.followupStatus.${f.status}`)
                  ),
              },
              {
                title: t('fdStaff.resident.classification'),
                key: 'c',
                render: (_, f) => <ClassificationTag value={f.classification} />,
              },
              {
                title: t('fdStaff.resident.doneBy'),
                key: 'by',
                render: (_, f) =>
                  f.doneAt ? `${f.doneByName ?? ''} ${dateTime(f.doneAt)}` : t('fdStaff.common.none'),
              },
            ]}
          />
        </section>
      )}
    </Drawer>
  );
}
