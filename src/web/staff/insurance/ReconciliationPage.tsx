import { DownloadOutlined, SyncOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Select,
  Spin,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { type HTMLAttributes, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Mismatch, ReconciliationStatement } from '../../../shared/insurance.js';
import { get, getBlob } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { addDays, formatYuan, shanghaiDate } from '../../format.js';
import { CardHeading, useTableCaption } from '../records/captioned.js';
import { DaySelect } from '../supervision/DaySelect.js';
import { formatInstant } from '../supervision/format.js';
import { differingKeys } from './evidence.js';
import { EvidenceTable, useInstitutionOptions } from './InsurerParts.js';
import '../records/records.css';
import '../supervision/supervision.css';
import './insurance.css';

const LOOK_BACK_DAYS = 366;

const statementPath = (institutionId: string, date: string, extra = '') =>
  `/reconciliation?${new URLSearchParams({ institutionId, date }).toString()}${extra}`;

/** Saves bytes under a file name: the API is called with the bearer token, so a plain link cannot. */
function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function StatementView({ statement }: { statement: ReconciliationStatement }) {
  const { t } = useTranslation();
  const components = useTableCaption(t('insuranceStaff.reconciliation.caption'));
  const balanced = statement.status === 'balanced';
  const columns: TableColumnsType<Mismatch & { key: number }> = [
    {
      title: t('insuranceStaff.reconciliation.cause'),
      key: 'cause',
      width: 220,
      render: (_, m) => (
        <Typography.Text strong data-testid="mismatch-cause" data-cause={m.cause}>
          {t(`insuranceStaff.reconciliation.causes.${m.cause}`)}
        </Typography.Text>
      ),
    },
    {
      title: t('insuranceStaff.reconciliation.orderId'),
      key: 'order',
      width: 150,
      render: (_, m) => <span className="ins-id">{m.orderId ?? t('insuranceStaff.common.none')}</span>,
    },
    {
      title: t('insuranceStaff.reconciliation.settlementId'),
      key: 'settlement',
      width: 150,
      render: (_, m) => <span className="ins-id">{m.settlementId ?? t('insuranceStaff.common.none')}</span>,
    },
    {
      title: t('insuranceStaff.reconciliation.ours'),
      key: 'ours',
      render: (_, m) => <EvidenceTable evidence={m.ours} differs={differingKeys(m.ours, m.theirs)} />,
    },
    {
      title: t('insuranceStaff.reconciliation.theirs'),
      key: 'theirs',
      render: (_, m) => <EvidenceTable evidence={m.theirs} differs={differingKeys(m.ours, m.theirs)} />,
    },
  ];

  return (
    <div data-testid="reconciliation-statement" data-status={statement.status}>
      <Alert
        className="rec-page-alert"
        type={balanced ? 'success' : 'error'}
        showIcon
        data-testid="reconciliation-status"
        title={
          <span className="ins-recon-status">
            {balanced
              ? t('insuranceStaff.reconciliation.balanced')
              : t('insuranceStaff.reconciliation.mismatched')}
          </span>
        }
        description={
          balanced
            ? t('insuranceStaff.reconciliation.balancedDesc')
            : t('insuranceStaff.reconciliation.mismatchedDesc', { count: statement.mismatches.length })
        }
      />
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, sm: 2, lg: 3 }}
        className="ins-recon-facts"
        items={[
          { key: 'orders', label: t('insuranceStaff.reconciliation.orders'), children: statement.orders },
          {
            key: 'settlements',
            label: t('insuranceStaff.reconciliation.settlements'),
            children: statement.settlements,
          },
          {
            key: 'payments',
            label: t('insuranceStaff.reconciliation.payments'),
            children: statement.payments,
          },
          {
            key: 'fund',
            label: t('insuranceStaff.reconciliation.fund'),
            children: formatYuan(statement.fundFen),
          },
          {
            key: 'account',
            label: t('insuranceStaff.reconciliation.account'),
            children: formatYuan(statement.accountFen),
          },
          {
            key: 'cash',
            label: t('insuranceStaff.reconciliation.cash'),
            children: formatYuan(statement.cashFen),
          },
          {
            key: 'runBy',
            label: t('insuranceStaff.reconciliation.runBy'),
            children:
              statement.runBy === 'job'
                ? t('insuranceStaff.reconciliation.runByJob')
                : t('insuranceStaff.reconciliation.runByManual'),
          },
          {
            key: 'runAt',
            label: t('insuranceStaff.reconciliation.runAt'),
            children: formatInstant(statement.runAt),
          },
        ]}
      />
      <Typography.Title level={3} className="ins-section-title">
        {t('insuranceStaff.reconciliation.mismatches')}
      </Typography.Title>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the mismatch rows scroll sideways in a region the keyboard must reach (axe scrollable-region-focusable); they hold nothing focusable. */}
      <section className="ins-scroll" tabIndex={0} aria-label={t('insuranceStaff.reconciliation.mismatches')}>
        <Table
          size="middle"
          columns={columns}
          components={components}
          dataSource={statement.mismatches.map((m, key) => ({ ...m, key }))}
          pagination={false}
          // Wide only when there are records side by side; an empty statement fits its card.
          style={statement.mismatches.length > 0 ? { minWidth: 1000 } : undefined}
          onRow={(m) =>
            ({ 'data-testid': 'mismatch-row', 'data-cause': m.cause }) as HTMLAttributes<HTMLElement>
          }
          locale={{ emptyText: t('insuranceStaff.reconciliation.noMismatches') }}
        />
      </section>
    </div>
  );
}

/**
 * 对账 (/insurer/reconciliation): an institution's day — our settlements and payments against the insurance
 * platform's statement and the gateway's — balanced or not, with each mismatch's cause; 重新对账 runs it
 * now, 导出 CSV saves it.
 */
export function InsuranceReconciliationPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const today = shanghaiDate();
  const institutions = useInstitutionOptions();
  const [institutionId, setInstitutionId] = useState<string>();
  const [date, setDate] = useState(today);
  const statement = useApiData<ReconciliationStatement>(
    institutionId ? statementPath(institutionId, date) : null,
  );
  const [busy, setBusy] = useState<'rerun' | 'csv'>();
  const [failure, setFailure] = useState<unknown>();
  // An answer for another institution or day (kept while the next loads) is not shown as this one's.
  const shown =
    statement.data && statement.data.institutionId === institutionId && statement.data.date === date
      ? statement.data
      : undefined;

  async function rerun() {
    if (!institutionId) return;
    setBusy('rerun');
    setFailure(undefined);
    try {
      statement.setData(
        await get<ReconciliationStatement>(statementPath(institutionId, date, '&rerun=true')),
      );
      message.success(t('insuranceStaff.reconciliation.rerunDone'));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(undefined);
    }
  }

  async function exportCsv() {
    if (!institutionId) return;
    setBusy('csv');
    setFailure(undefined);
    try {
      const blob = await getBlob(statementPath(institutionId, date, '&format=csv'));
      const code = institutions.byId(institutionId)?.code ?? institutionId;
      save(blob, `${t('insuranceStaff.reconciliation.fileName')}-${code}-${date}.csv`);
      message.success(t('insuranceStaff.reconciliation.exported'));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <div className="staff-page ins-staff" data-testid="insurance-reconciliation">
      <Card
        variant="borderless"
        className="ins-card"
        title={<CardHeading>{t('staff.cards.reconciliation.title')}</CardHeading>}
      >
        <Typography.Paragraph type="secondary">
          {t('insuranceStaff.reconciliation.intro')}
        </Typography.Paragraph>
        <div className="supervision-toolbar">
          <Select
            className="ins-institution-select"
            aria-label={t('insuranceStaff.reconciliation.institution')}
            placeholder={t('insuranceStaff.common.chooseInstitution')}
            showSearch={{ optionFilterProp: 'label' }}
            loading={institutions.loading}
            options={institutions.options}
            value={institutionId}
            onChange={(id: string) => {
              setFailure(undefined);
              setInstitutionId(id);
            }}
            data-testid="reconciliation-institution"
          />
          <DaySelect
            className="supervision-toolbar__day"
            aria-label={t('insuranceStaff.reconciliation.date')}
            from={addDays(today, -(LOOK_BACK_DAYS - 1))}
            days={LOOK_BACK_DAYS}
            descending
            value={date}
            onChange={(value) => {
              if (!value) return;
              setFailure(undefined);
              setDate(value);
            }}
            data-testid="reconciliation-date"
          />
          <span className="supervision-toolbar__end">
            <Button
              icon={<SyncOutlined aria-hidden />}
              disabled={!institutionId}
              loading={busy === 'rerun'}
              onClick={rerun}
              data-testid="reconciliation-rerun"
            >
              {t('insuranceStaff.reconciliation.rerun')}
            </Button>{' '}
            <Button
              icon={<DownloadOutlined aria-hidden />}
              disabled={!institutionId || !shown}
              loading={busy === 'csv'}
              onClick={exportCsv}
              data-testid="reconciliation-export"
            >
              {t('insuranceStaff.reconciliation.exportCsv')}
            </Button>
          </span>
        </div>
        {failure !== undefined && (
          <Alert type="error" showIcon className="rec-page-alert" title={errorText(failure, t)} />
        )}
        {!institutionId ? (
          <Typography.Paragraph type="secondary">
            {t('insuranceStaff.reconciliation.chooseFirst')}
          </Typography.Paragraph>
        ) : shown ? (
          <StatementView statement={shown} />
        ) : statement.error !== undefined ? (
          <Alert
            type="error"
            showIcon
            data-testid="reconciliation-unavailable"
            title={t('insuranceStaff.reconciliation.unavailable')}
            description={errorText(statement.error, t)}
          />
        ) : (
          <Spin className="staff-page__spin" />
        )}
      </Card>
    </div>
  );
}
