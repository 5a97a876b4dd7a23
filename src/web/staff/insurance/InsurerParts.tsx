import { Table, type TableColumnsType, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Institution } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import type { Scheme, Settlement, SplitLine } from '../../../shared/insurance.js';
import { useApiData } from '../../components/useApiData.js';
import { formatYuan } from '../../format.js';
import { insuranceStaffZh } from '../../i18n/insurance-staff.zh-CN.js';
import { evidenceRows, evidenceText, labelOf, recordColumns, type Words } from './evidence.js';

export function SchemeTag({ scheme }: { scheme: Scheme }) {
  const { t } = useTranslation();
  return (
    <Tag color={scheme === 'employee' ? 'blue' : 'green'} variant="filled">
      {t(`insuranceStaff.scheme.${scheme}`)}
    </Tag>
  );
}

const SETTLEMENT_COLOR = {
  pending: 'processing',
  settled: 'success',
  failed: 'error',
  reversing: 'warning',
  reversed: 'default',
} as const;

export function SettlementStatusTag({ status }: { status: Settlement['status'] }) {
  const { t } = useTranslation();
  return (
    <Tag color={SETTLEMENT_COLOR[status]} data-testid="settlement-status" data-status={status}>
      {t(`insuranceStaff.settlement.statusLabel.${status}`)}
    </Tag>
  );
}

const CATEGORY_COLOR = { A: 'green', B: 'orange', C: 'default' } as const;

export function CategoryTag({ category }: { category: SplitLine['category'] }) {
  const { t } = useTranslation();
  if (!category) return <span className="ins-muted">{t('insuranceStaff.common.none')}</span>;
  return <Tag color={CATEGORY_COLOR[category]}>{t(`insuranceStaff.category.${category}`)}</Tag>;
}

/** The institutions of the directory, for the filters (the same list the other staff pages use). */
export function useInstitutionOptions() {
  const { i18n } = useTranslation();
  const { data } = useApiData<Page<Institution>>('/institutions?status=active&limit=100');
  const en = i18n.language === 'en-US';
  return {
    loading: data === undefined,
    options: data?.items.map((i) => ({ value: i.id, label: (en && i.nameEn) || i.name })) ?? [],
    byId: (id: string) => data?.items.find((i) => i.id === id),
  };
}

/** The words evidence and mismatch records are read with, in the UI's language. */
export function useEvidenceWords(): Words {
  const { t, i18n } = useTranslation();
  const keys = Object.keys(
    insuranceStaffZh.review.evidenceKeys,
  ) as (keyof typeof insuranceStaffZh.review.evidenceKeys)[];
  return {
    labels: Object.fromEntries(keys.map((k) => [k, t(`insuranceStaff.review.evidenceKeys.${k}`)])),
    yes: t('insuranceStaff.common.yes'),
    no: t('insuranceStaff.common.no'),
    none: t('insuranceStaff.common.none'),
    separator: i18n.language === 'en-US' ? ', ' : '、',
  };
}

/** The split of a settlement, line by line (the expanded row of the settlements table). */
export function SplitLinesTable({ lines }: { lines: SplitLine[] }) {
  const { t } = useTranslation();
  const money = (fen: number) => <span className="ins-money">{formatYuan(fen)}</span>;
  const columns: TableColumnsType<SplitLine & { key: number }> = [
    { title: t('insuranceStaff.settlement.item'), dataIndex: 'item', key: 'item' },
    {
      title: t('insuranceStaff.settlement.category'),
      key: 'category',
      width: 90,
      render: (_, l) => <CategoryTag category={l.category} />,
    },
    {
      title: t('insuranceStaff.settlement.total'),
      key: 'total',
      align: 'right',
      render: (_, l) => money(l.totalFen),
    },
    {
      title: t('insuranceStaff.settlement.fund'),
      key: 'fund',
      align: 'right',
      render: (_, l) => money(l.fundFen),
    },
    {
      title: t('insuranceStaff.settlement.account'),
      key: 'account',
      align: 'right',
      render: (_, l) => money(l.accountFen),
    },
    {
      title: t('insuranceStaff.settlement.cash'),
      key: 'cash',
      align: 'right',
      render: (_, l) => money(l.cashFen),
    },
  ];
  return (
    <Table
      size="small"
      className="ins-lines"
      pagination={false}
      columns={columns}
      dataSource={lines.map((l, key) => ({ ...l, key }))}
      data-testid="settlement-lines"
    />
  );
}

/** A record (an alert's evidence, one side of a mismatch) as a table of field → value. */
export function EvidenceTable({
  evidence,
  differs,
  testId,
}: {
  evidence: Record<string, unknown> | null;
  /** Fields to mark as disagreeing with the other side (a mismatch's ours and theirs). */
  differs?: ReadonlySet<string>;
  testId?: string;
}) {
  const { t } = useTranslation();
  const words = useEvidenceWords();
  const rows = evidenceRows(evidence, words);
  if (rows.length === 0) return <span className="ins-muted">{words.none}</span>;
  return (
    <table className="ins-evidence" data-testid={testId}>
      <thead className="rec-sr-only">
        <tr>
          <th scope="col">{t('insuranceStaff.review.field')}</th>
          <th scope="col">{t('insuranceStaff.review.value')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={row.key}
            data-key={row.key}
            className={differs?.has(row.key) ? 'ins-evidence__differs' : undefined}
            data-differs={differs?.has(row.key) ? 'true' : undefined}
          >
            <th scope="row">
              {row.label}
              {differs?.has(row.key) && (
                <span className="rec-sr-only">{t('insuranceStaff.reconciliation.differs')}</span>
              )}
            </th>
            <td>
              {row.records ? (
                <table className="ins-evidence ins-evidence--nested">
                  <thead>
                    <tr>
                      {recordColumns(row.records).map((k) => (
                        <th key={k} scope="col">
                          {labelOf(k, words.labels)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {row.records.map((r, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: evidence records have no id and never move.
                      <tr key={i}>
                        {recordColumns(row.records ?? []).map((k) => (
                          <td key={k}>{evidenceText(k, r[k], words)}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                row.text
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
