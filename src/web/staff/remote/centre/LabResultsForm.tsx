import { AlertFilled, SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Input, Spin, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { type HTMLAttributes, type KeyboardEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  DiagnosticRequestDetail,
  LabPanel,
  LabResult,
  LabResultsView,
} from '../../../../shared/remote.js';
import { put } from '../../../api.js';
import { describeError } from '../../../errors.js';
import { usePanels } from './parts.js';

type Analyte = LabPanel['analytes'][number];
const keyOf = (panel: string, code: string) => `${panel}|${code}`;

/** ↑ high, ↓ low, ↑↑ / ↓↓ at a critical limit, the way Chinese lab reports mark them. */
const ARROWS: Record<NonNullable<LabResult['flag']>, string> = {
  N: '',
  H: '↑',
  L: '↓',
  HH: '↑↑',
  LL: '↓↓',
  A: '',
};

/** 3.5–5.3, ≥3.5, ≤5.3, the text, or '—'. */
function range(r: { refLow: number | null; refHigh: number | null; refText?: string | null }): string {
  if (r.refText?.trim()) return r.refText.trim();
  if (r.refLow !== null && r.refHigh !== null) return `${r.refLow}–${r.refHigh}`;
  if (r.refLow !== null) return `≥${r.refLow}`;
  if (r.refHigh !== null) return `≤${r.refHigh}`;
  return '—';
}

/** The flag in words (偏高, 危急值…), never by colour alone; nothing for a normal result. */
function FlagTags({ result }: { result: LabResult | undefined }) {
  const { t } = useTranslation();
  if (!result) return null;
  const flag = result.flag;
  return (
    <span
      className="rc-flags"
      data-testid="result-flag"
      data-flag={flag ?? ''}
      data-critical={result.critical}
    >
      {flag && flag !== 'N' && (
        <Tag color="error">
          {ARROWS[flag]} {t(`remoteCentre.flag.${flag}`)}
        </Tag>
      )}
      {result.critical && (
        <Tag color="error" variant="solid" icon={<AlertFilled aria-hidden />}>
          {t('remoteCentre.queue.critical')}
        </Tag>
      )}
    </span>
  );
}

function ValueText({ result }: { result: LabResult }) {
  const abnormal = result.flag !== null && result.flag !== 'N';
  return (
    <span className={abnormal ? 'rc-value rc-value--abnormal' : 'rc-value'} data-testid="result-value">
      {result.value}
      {result.flag && ARROWS[result.flag] && <span aria-hidden="true">{ARROWS[result.flag]}</span>}
    </span>
  );
}

interface Row {
  key: string;
  panel: string;
  analyte: Analyte;
}

/**
 * 检验结果 entry (REMOTE-4): one input per analyte of the request's panels, with its unit and reference
 * range; saving (PUT …/results) answers the flags — 偏高/偏低 and 危急值 (a critical result alerts the
 * requesting doctor). Read-only once the report is signed or when the request is not the reader's.
 */
export function LabResultsForm({
  request,
  editable,
  onSaved,
}: {
  request: DiagnosticRequestDetail;
  editable: boolean;
  onSaved(): void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const panels = usePanels(true);
  const [saved, setSaved] = useState<LabResult[]>(request.report?.results ?? []);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries((request.report?.results ?? []).map((r) => [keyOf(r.panel, r.code), r.value])),
  );
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>();
  const en = i18n.language === 'en-US';

  const byKey = useMemo(() => new Map(saved.map((r) => [keyOf(r.panel, r.code), r])), [saved]);
  const requested = useMemo(
    () =>
      request.panels
        .map((code) => panels.data?.items.find((p) => p.code === code))
        .filter((p): p is LabPanel => p !== undefined),
    [request.panels, panels.data],
  );
  const missing = requested.reduce(
    (n, p) => n + p.analytes.filter((a) => !byKey.has(keyOf(p.code, a.code))).length,
    0,
  );

  async function save() {
    const results = requested.flatMap((p) =>
      p.analytes
        .map((a) => ({ panel: p.code, code: a.code, value: (values[keyOf(p.code, a.code)] ?? '').trim() }))
        .filter((r) => r.value !== ''),
    );
    if (results.length === 0) {
      message.warning(t('remoteCentre.lab.nothing'));
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const answer = await put<LabResultsView>(`/diagnostic-requests/${request.id}/results`, { results });
      setSaved(answer.results);
      // A critical result raised the alert to the requesting doctor just now.
      message.success(
        t(answer.criticalAlertId ? 'remoteCentre.lab.savedCritical' : 'remoteCentre.lab.saved'),
      );
      onSaved();
    } catch (failure) {
      setProblem(failure);
    } finally {
      setBusy(false);
    }
  }

  /** Enter moves to the next result, the way a lab technician types down a column. */
  function nextOnEnter(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const inputs = Array.from(document.querySelectorAll<HTMLInputElement>('input[data-result-input]'));
    inputs[inputs.indexOf(event.currentTarget) + 1]?.focus();
  }

  const columns = (panel: LabPanel): TableColumnsType<Row> => [
    {
      title: t('remoteCentre.lab.analyte'),
      key: 'name',
      render: (_, r) => (en ? r.analyte.nameEn : r.analyte.name),
    },
    {
      title: t('remoteCentre.lab.value'),
      key: 'value',
      width: 180,
      render: (_, r) => {
        const result = byKey.get(r.key);
        if (!editable) return result ? <ValueText result={result} /> : '—';
        const name = en ? r.analyte.nameEn : r.analyte.name;
        return (
          <Input
            size="small"
            value={values[r.key] ?? ''}
            maxLength={40}
            aria-label={t('remoteCentre.lab.valueLabel', { name })}
            status={result?.flag && result.flag !== 'N' ? 'error' : undefined}
            onChange={(e) => setValues((v) => ({ ...v, [r.key]: e.target.value }))}
            onKeyDown={nextOnEnter}
            data-result-input={r.key}
            data-testid={`result-input-${panel.code}-${r.analyte.code}`}
          />
        );
      },
    },
    { title: t('remoteCentre.lab.unit'), key: 'unit', width: 100, render: (_, r) => r.analyte.unit ?? '—' },
    {
      title: t('remoteCentre.lab.reference'),
      key: 'ref',
      width: 120,
      render: (_, r) => range(byKey.get(r.key) ?? r.analyte),
    },
    {
      title: t('remoteCentre.lab.flag'),
      key: 'flag',
      width: 180,
      render: (_, r) => <FlagTags result={byKey.get(r.key)} />,
    },
  ];

  const shown = problem === undefined ? undefined : describeError(problem, t);
  return (
    <section aria-labelledby="rc-results" className="rc-section" data-testid="lab-results">
      <Typography.Title level={4} id="rc-results" className="rc-section__title">
        {t('remoteCentre.lab.results')}
      </Typography.Title>
      {editable && (
        <Typography.Paragraph type="secondary">{t('remoteCentre.lab.resultsHint')}</Typography.Paragraph>
      )}
      {panels.error !== undefined && (
        <Alert type="error" showIcon className="rc-alert" title={describeError(panels.error, t).title} />
      )}
      {!panels.data && panels.error === undefined && (
        <Spin className="rc-spin" description={t('remoteCentre.lab.panelsLoading')} />
      )}
      {requested.map((panel) => (
        <div key={panel.code} className="rc-panel">
          <Typography.Title level={5} className="rc-panel__title">
            {en ? panel.nameEn : panel.name}
            <span className="rc-sub"> · {panel.container}</span>
          </Typography.Title>
          <Table<Row>
            rowKey="key"
            size="small"
            pagination={false}
            columns={columns(panel)}
            dataSource={panel.analytes.map((analyte) => ({
              key: keyOf(panel.code, analyte.code),
              panel: panel.code,
              analyte,
            }))}
            onRow={(r) =>
              ({
                'data-testid': 'result-row',
                'data-code': r.analyte.code,
                className: byKey.get(r.key)?.critical ? 'rc-row--critical' : undefined,
              }) as HTMLAttributes<HTMLElement>
            }
          />
        </div>
      ))}
      {editable && panels.data && missing > 0 && (
        <Typography.Paragraph type="warning" data-testid="results-missing">
          {t('remoteCentre.lab.missing', { count: missing })}
        </Typography.Paragraph>
      )}
      {shown && (
        <Alert
          type="error"
          showIcon
          role="alert"
          className="rc-alert"
          title={shown.title}
          description={shown.detail}
        />
      )}
      {editable && (
        <Button icon={<SaveOutlined aria-hidden />} loading={busy} onClick={save} data-testid="results-save">
          {t('remoteCentre.lab.save')}
        </Button>
      )}
    </section>
  );
}

/** The results of a report, read-only (the signed report). */
export function LabResultsTable({ results }: { results: readonly LabResult[] }) {
  const { t } = useTranslation();
  const columns: TableColumnsType<LabResult> = [
    { title: t('remoteCentre.lab.analyte'), key: 'name', dataIndex: 'name' },
    { title: t('remoteCentre.lab.value'), key: 'value', render: (_, r) => <ValueText result={r} /> },
    { title: t('remoteCentre.lab.unit'), key: 'unit', render: (_, r) => r.unit ?? '—' },
    { title: t('remoteCentre.lab.reference'), key: 'ref', render: (_, r) => range(r) },
    { title: t('remoteCentre.lab.flag'), key: 'flag', render: (_, r) => <FlagTags result={r} /> },
  ];
  return (
    <Table<LabResult>
      className="rc-results-table"
      rowKey={(r) => keyOf(r.panel, r.code)}
      size="small"
      pagination={false}
      columns={columns}
      dataSource={[...results]}
      title={() => <Typography.Text strong>{t('remoteCentre.lab.results')}</Typography.Text>}
    />
  );
}
