import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Input,
  Popconfirm,
  Result,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { Drug, FormularyEntry, FormularyPage as FormularyList } from '../../../shared/prescriptions.js';
import { del, get, put } from '../../api.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { rowTestId } from '../scheduling/BookingsTable.js';
import { DrugSelect, drugName } from './DrugSelect.js';
import { DrugTags } from './tags.js';
import './prescriptions.css';

type Entry = Static<typeof FormularyEntry>;
type List = Static<typeof FormularyList>;

const query = (institutionId: string, q: string, cursor?: string) =>
  `/institutions/${institutionId}/formulary?${new URLSearchParams({
    limit: '100',
    ...(q ? { q } : {}),
    ...(cursor ? { cursor } : {}),
  }).toString()}`;

/** RX-4: what may never be prescribed online does not go into the online formulary. */
const forbiddenOnline = (d: Drug) => d.specialFlags.length > 0 || d.antimicrobial === 'special';

function Formulary({ institutionId }: { institutionId: string }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const first = useApiData<List>(query(institutionId, q));
  const [more, setMore] = useState<List[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [picked, setPicked] = useState<Drug>();
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<ReadonlySet<string>>(new Set());
  const pages = first.data ? [first.data, ...more] : [];
  const rows = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;
  const listed = new Set([...rows.map((e) => e.drug.id), ...added]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new search starts from its first page.
  useEffect(() => setMore([]), [q]);

  function refresh() {
    setMore([]);
    first.reload();
  }

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const next = await get<List>(query(institutionId, q, cursor));
      setMore((loaded) => [...loaded, next]);
    } finally {
      setLoadingMore(false);
    }
  }

  async function add() {
    if (!picked) return;
    setAdding(true);
    try {
      await put(`/institutions/${institutionId}/formulary/${picked.id}`, {});
      message.success(t('rxStaff.formulary.added'));
      setAdded((s) => new Set([...s, picked.id]));
      setPicked(undefined);
      refresh();
    } catch (failure) {
      message.error(errorText(failure, t));
    } finally {
      setAdding(false);
    }
  }

  async function remove(entry: Entry) {
    try {
      await del(`/institutions/${institutionId}/formulary/${entry.drug.id}`);
      message.success(t('rxStaff.formulary.removed'));
      setAdded((s) => new Set([...s].filter((id) => id !== entry.drug.id)));
      refresh();
    } catch (failure) {
      message.error(errorText(failure, t));
    }
  }

  const columns: TableColumnsType<Entry> = [
    {
      title: t('rxStaff.formulary.drug'),
      key: 'drug',
      render: (_, e) => (
        <div>
          {drugName(e.drug)}
          <div className="cell-sub">
            {e.drug.id} · {e.drug.nameEn}
          </div>
        </div>
      ),
    },
    { title: t('rxStaff.formulary.spec'), key: 'spec', render: (_, e) => e.drug.spec },
    {
      title: t('rxStaff.formulary.kind'),
      key: 'kind',
      render: (_, e) => <span className="nowrap">{t(`rxStaff.kind.${e.drug.kind}`)}</span>,
    },
    {
      title: t('rxStaff.formulary.price'),
      key: 'price',
      align: 'right',
      render: (_, e) => `${formatYuan(e.drug.priceFen)}/${e.drug.packageUnit}`,
    },
    { title: t('rxStaff.formulary.attributes'), key: 'tags', render: (_, e) => <DrugTags drug={e.drug} /> },
    {
      title: t('rxStaff.formulary.addedAt'),
      key: 'addedAt',
      render: (_, e) => <span className="nowrap">{formatDateTime(e.addedAt, i18n.language)}</span>,
    },
    {
      title: t('rxStaff.formulary.actions'),
      key: 'actions',
      width: 80,
      render: (_, e) => (
        <Popconfirm
          title={t('rxStaff.formulary.removeConfirm', { name: e.drug.genericName })}
          okText={t('rxStaff.formulary.removeOk')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true }}
          onConfirm={() => remove(e)}
        >
          <Button
            type="link"
            danger
            size="small"
            autoInsertSpace={false}
            aria-label={`${t('rxStaff.formulary.remove')} ${e.drug.genericName}`}
            data-testid="formulary-remove"
          >
            {t('rxStaff.formulary.remove')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  const blocked = picked ? forbiddenOnline(picked) : false;
  return (
    <>
      <div className="rx-formulary-add" data-testid="formulary-add">
        <Typography.Text strong>{t('rxStaff.formulary.addLabel')}</Typography.Text>
        <DrugSelect
          value={picked?.id ?? null}
          selected={picked}
          exclude={listed}
          onPick={setPicked}
          aria-label={t('rxStaff.formulary.addLabel')}
        />
        <Button
          type="primary"
          icon={<PlusOutlined aria-hidden />}
          disabled={!picked || blocked || listed.has(picked.id)}
          loading={adding}
          onClick={add}
          data-testid="formulary-add-button"
        >
          {t('rxStaff.formulary.add')}
        </Button>
        {blocked && <Typography.Text type="danger">{t('rxStaff.formulary.forbidden')}</Typography.Text>}
      </div>
      <div className="rx-toolbar rx-toolbar--page">
        <Input.Search
          allowClear
          className="rx-search"
          placeholder={t('rxStaff.formulary.search')}
          aria-label={t('rxStaff.formulary.search')}
          onSearch={(value) => setQ(value.trim())}
          data-testid="formulary-search"
        />
        {!cursor && (
          <Typography.Text type="secondary">
            {t('rxStaff.formulary.count', { count: rows.length })}
          </Typography.Text>
        )}
      </div>
      {first.error !== undefined && (
        <Alert type="error" showIcon className="rx-page-alert" title={errorText(first.error, t)} />
      )}
      <Table<Entry>
        rowKey={(e) => e.drug.id}
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={first.data === undefined && first.error === undefined}
        pagination={false}
        onRow={rowTestId('formulary-row')}
        locale={{ emptyText: t('rxStaff.formulary.empty') }}
        scroll={{ x: 900 }}
      />
      {cursor && (
        <div className="rx-more">
          <Button onClick={loadMore} loading={loadingMore}>
            {t('rxStaff.formulary.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}

/** 线上处方目录 (org_admin): the catalogue drugs this institution's doctors may prescribe online. */
export function FormularyPage() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <div className="staff-page" data-testid="formulary-page">
      <Card
        variant="borderless"
        title={t('rxStaff.formulary.title')}
        extra={<Typography.Text type="secondary">{t('rxStaff.formulary.hint')}</Typography.Text>}
      >
        {me.institutionId ? (
          <Formulary institutionId={me.institutionId} />
        ) : (
          <Result status="info" title={t('rxStaff.formulary.noInstitution')} />
        )}
      </Card>
    </div>
  );
}
