import { ReloadOutlined, RollbackOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Modal,
  Select,
  Table,
  type TableColumnsType,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { type HTMLAttributes, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import {
  REFERRAL_STATUSES,
  type ReferralStatus,
  type ReferralTargets,
  type ReferralView,
} from '../../../shared/family-doctor.js';
import type { CarePatient } from '../../../shared/records.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { CardHeading, useTableCaption } from '../records/captioned.js';
import { BookReferralModal } from './BookReferralModal.js';
import { dateTime, query, ReferralStatusTag, sexAge, usePaged } from './parts.js';
import { type Box, ReferralDrawer } from './ReferralDrawer.js';
import { type ReferralDraft, ReferralModal } from './ReferralModal.js';
import '../records/records.css';
import './family-doctor.css';

interface Filters {
  direction?: 'up' | 'down';
  status?: ReferralStatus;
}

/** 转出 / 转入: one box of referrals with its filters, paged; a row opens the drawer. */
function ReferralBox({ box, version, onOpen }: { box: Box; version: number; onOpen(r: ReferralView): void }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>({});
  const list = usePaged<ReferralView>(query('/referrals', { box, ...filters, limit: 20 }));
  const { reload } = list;
  // A referral changed elsewhere on the page (an action in the drawer, a new one): read the box again.
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  const components = useTableCaption(t(`fdStaff.referrals.box.${box}`));
  const columns: TableColumnsType<ReferralView> = [
    {
      title: t('fdStaff.referrals.no'),
      key: 'no',
      render: (_, r) => <span className="fd-mono nowrap">{r.referralNo}</span>,
    },
    {
      title: t('fdStaff.referral.patient'),
      key: 'patient',
      render: (_, r) => (
        <>
          <strong>{r.patient.name}</strong>
          <div className="fd-muted nowrap">{sexAge(r.patient.sex, r.patient.age, t)}</div>
        </>
      ),
    },
    {
      title: t('fdStaff.referrals.direction'),
      key: 'direction',
      render: (_, r) => (
        <Tag color={r.direction === 'up' ? 'volcano' : 'green'}>{t(`fdStaff.direction.${r.direction}`)}</Tag>
      ),
    },
    {
      title: box === 'outgoing' ? t('fdStaff.referral.to') : t('fdStaff.referral.from'),
      key: 'other',
      render: (_, r) =>
        box === 'outgoing' ? (
          <>
            <div>{r.to.institutionName}</div>
            <div className="fd-muted">{r.to.departmentName ?? ''}</div>
          </>
        ) : (
          <>
            <div>{r.from.institutionName}</div>
            <div className="fd-muted">{r.from.practitionerName}</div>
          </>
        ),
    },
    {
      title: t('fdStaff.referrals.status'),
      key: 'status',
      render: (_, r) => (
        <span className="fd-tags">
          <ReferralStatusTag status={r.status} />
          {r.contracted && <Tag color="cyan">{t('fdStaff.referral.contracted')}</Tag>}
        </span>
      ),
    },
    {
      title: t('fdStaff.referrals.createdAt'),
      key: 'at',
      render: (_, r) => <span className="nowrap">{dateTime(r.createdAt)}</span>,
    },
    {
      title: t('fdStaff.referrals.actions'),
      key: 'actions',
      width: 90,
      render: (_, r) => (
        <Button
          size="small"
          type="primary"
          onClick={() => onOpen(r)}
          autoInsertSpace={false}
          aria-label={t('fdStaff.referrals.openLabel', { no: r.referralNo })}
          data-testid="referral-open"
        >
          {t('fdStaff.referrals.open')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid={`referrals-${box}`}>
      <div className="fd-toolbar">
        <Select<'up' | 'down' | ''>
          className="fd-toolbar__select"
          aria-label={t('fdStaff.referrals.directionFilter')}
          value={filters.direction ?? ''}
          onChange={(value) => setFilters((f) => ({ ...f, direction: value || undefined }))}
          options={[
            { value: '', label: t('fdStaff.referrals.allDirections') },
            { value: 'up', label: t('fdStaff.direction.up') },
            { value: 'down', label: t('fdStaff.direction.down') },
          ]}
          data-testid="referral-filter-direction"
        />
        <Select<ReferralStatus | ''>
          className="fd-toolbar__select"
          aria-label={t('fdStaff.referrals.statusFilter')}
          value={filters.status ?? ''}
          onChange={(value) => setFilters((f) => ({ ...f, status: value || undefined }))}
          options={[
            { value: '', label: t('fdStaff.referrals.allStatuses') },
            ...REFERRAL_STATUSES.map((s) => ({ value: s, label: t(`fdStaff.referralStatus.${s}`) })),
          ]}
          data-testid="referral-filter-status"
        />
        <Button icon={<ReloadOutlined aria-hidden />} onClick={list.reload}>
          {t('fdStaff.common.refresh')}
        </Button>
      </div>
      {list.error !== undefined && (
        <Alert type="error" showIcon className="fd-block" title={errorText(list.error, t)} />
      )}
      <Table<ReferralView>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        components={components}
        loading={list.loading}
        pagination={false}
        // Sideways scrolling only with rows (their buttons let the keyboard reach it); an empty table's
        // scroll box would hold nothing focusable (axe scrollable-region-focusable).
        scroll={list.items.length > 0 ? { x: 940 } : undefined}
        onRow={(r) =>
          ({
            'data-testid': 'referral-row',
            'data-id': r.id,
            'data-status': r.status,
          }) as HTMLAttributes<HTMLElement>
        }
        locale={{ emptyText: t('fdStaff.referrals.empty') }}
      />
      {list.hasMore && (
        <div className="fd-more">
          <Button onClick={list.loadMore} loading={list.loadingMore}>
            {t('fdStaff.common.loadMore')}
          </Button>
        </div>
      )}
    </div>
  );
}

/** 发起下转: the hospital doctor picks one of the patients they may open now (我的患者). */
function PickPatientModal({
  open,
  onClose,
  onPick,
}: {
  open: boolean;
  onClose(): void;
  onPick(p: CarePatient): void;
}) {
  const { t } = useTranslation();
  const patients = useApiData<{ items: CarePatient[] }>(open ? '/care-patients' : null);
  const [chosen, setChosen] = useState<string>();
  const items = patients.data?.items ?? [];
  return (
    <Modal
      open={open}
      title={t('fdStaff.referrals.pickPatient')}
      onCancel={onClose}
      okText={t('fdStaff.referrals.next')}
      cancelText={t('fdStaff.common.cancel')}
      okButtonProps={{ disabled: !chosen }}
      onOk={() => {
        const patient = items.find((p) => p.patientId === chosen);
        if (patient) onPick(patient);
      }}
      destroyOnHidden
    >
      {patients.error !== undefined && <Alert type="error" showIcon title={errorText(patients.error, t)} />}
      <label htmlFor="fd-pick-patient" className="fd-label">
        {t('fdStaff.referral.patient')}
      </label>
      <Select
        id="fd-pick-patient"
        className="fd-full"
        showSearch
        optionFilterProp="label"
        loading={open && patients.data === undefined && patients.error === undefined}
        value={chosen}
        onChange={setChosen}
        options={[...new Map(items.map((p) => [p.patientId, p])).values()].map((p) => ({
          value: p.patientId,
          label: `${p.name} ${sexAge(p.sex, p.age, t)}`,
        }))}
        notFoundContent={t('fdStaff.referrals.noPatients')}
        data-testid="referral-pick-patient"
      />
    </Modal>
  );
}

/**
 * 双向转诊 (/clinic/referrals and the admin console; FD-4): 转出 (sent by my institution) and 转入 (sent to
 * it), filtered by direction and status; the drawer's actions follow the state. A hospital (one that may
 * refer down) has 发起下转 with a care plan, also from an upward referral it completed.
 */
export function ReferralsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [box, setBox] = useState<Box>('incoming');
  const [version, setVersion] = useState(0);
  const [open, setOpen] = useState<{ referral: ReferralView; box: Box } | null>(null);
  const [booking, setBooking] = useState<ReferralView | null>(null);
  const [draft, setDraft] = useState<ReferralDraft | null>(null);
  const [picking, setPicking] = useState(false);
  const downTargets = useApiData<Static<typeof ReferralTargets>>('/referrals/targets?direction=down');
  // Only a doctor refers (POST /referrals), down from a hospital that has community centres to refer to.
  const canReferDown = me.roles.includes('doctor') && (downTargets.data?.items.length ?? 0) > 0;

  function changed(referral: ReferralView) {
    setVersion((v) => v + 1);
    setOpen((current) => (current ? { ...current, referral } : current));
  }

  return (
    <div className="staff-page fd-page" data-testid="referrals-page">
      <Card
        variant="borderless"
        title={<CardHeading>{t('fdStaff.referrals.title')}</CardHeading>}
        extra={
          canReferDown && (
            <Button
              type="primary"
              icon={<RollbackOutlined aria-hidden />}
              onClick={() => setPicking(true)}
              data-testid="referral-new-down"
            >
              {t('fdStaff.referrals.newDown')}
            </Button>
          )
        }
      >
        <Typography.Paragraph type="secondary">{t('fdStaff.referrals.intro')}</Typography.Paragraph>
        <Tabs
          activeKey={box}
          onChange={(key) => setBox(key as Box)}
          items={(['incoming', 'outgoing'] as const).map((key) => ({
            key,
            label: <span data-testid={`referrals-tab-${key}`}>{t(`fdStaff.referrals.box.${key}`)}</span>,
            children: (
              <ReferralBox
                box={key}
                version={version}
                onOpen={(referral) => setOpen({ referral, box: key })}
              />
            ),
          }))}
        />
      </Card>
      <ReferralDrawer
        referral={open?.referral ?? null}
        box={open?.box ?? box}
        onClose={() => setOpen(null)}
        onChanged={changed}
        onBook={setBooking}
        onDownward={
          canReferDown
            ? (r) =>
                setDraft({
                  direction: 'down',
                  patient: { id: r.patient.id, name: r.patient.name },
                  toInstitutionId: r.from.institutionId,
                  summary: '',
                })
            : undefined
        }
      />
      <BookReferralModal referral={booking} onClose={() => setBooking(null)} onBooked={changed} />
      <PickPatientModal
        open={picking}
        onClose={() => setPicking(false)}
        onPick={(p) => {
          setPicking(false);
          setDraft({ direction: 'down', patient: { id: p.patientId, name: p.name } });
        }}
      />
      <ReferralModal
        draft={draft}
        onClose={() => setDraft(null)}
        onCreated={(r) => {
          setVersion((v) => v + 1);
          setBox('outgoing');
          setOpen({ referral: r, box: 'outgoing' });
        }}
      />
    </div>
  );
}
