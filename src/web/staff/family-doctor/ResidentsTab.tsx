import { Alert, Button, Input, Select, Table, type TableColumnsType, Tag } from 'antd';
import { type HTMLAttributes, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CONTRACT_STATUSES,
  type ContractStatus,
  type ContractView,
  PACKAGE_GROUPS,
  type PackageGroup,
} from '../../../shared/family-doctor.js';
import { errorText } from '../../errors.js';
import { useTableCaption } from '../records/captioned.js';
import { ClassificationTag, query, sexAge, usePaged } from './parts.js';
import type { ResidentRef } from './ResidentDrawer.js';

interface Filters {
  group?: PackageGroup;
  status?: ContractStatus;
  q?: string;
}

/** 签约居民: the residents of my teams, filtered by package group, contract status and name; paged by cursor. */
export function ResidentsTab({ teamId, onOpen }: { teamId?: string; onOpen(r: ResidentRef): void }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>({ status: 'active' });
  const [typed, setTyped] = useState('');
  const list = usePaged<ContractView>(query('/family-doctor/contracts', { ...filters, teamId, limit: 20 }));
  const components = useTableCaption(t('fdStaff.residents.caption'));

  const open = (c: ContractView) => onOpen({ patientId: c.patientId, name: c.patientName, contract: c });
  const columns: TableColumnsType<ContractView> = [
    {
      title: t('fdStaff.residents.name'),
      key: 'name',
      render: (_, c) => (
        <>
          <Button type="link" className="fd-link" onClick={() => open(c)} data-testid="fd-resident-open">
            {c.patientName}
          </Button>
          <div className="fd-muted nowrap">{sexAge(c.patientSex, c.patientAge, t)}</div>
        </>
      ),
    },
    {
      title: t('fdStaff.residents.packages'),
      key: 'packages',
      render: (_, c) => (
        <span className="fd-tags">
          {c.packages.map((p) => (
            <Tag key={p.packageId} color={p.group === 'basic' ? 'default' : 'cyan'}>
              {p.name}
            </Tag>
          ))}
        </span>
      ),
    },
    {
      title: t('fdStaff.residents.term'),
      key: 'term',
      render: (_, c) => (
        <>
          <div className="nowrap">{t('fdStaff.residents.termYears', { years: c.years })}</div>
          <div className="fd-muted nowrap">
            {c.startsOn} – {c.endsOn}
          </div>
        </>
      ),
    },
    {
      title: t('fdStaff.residents.status'),
      key: 'status',
      render: (_, c) => t(`fdStaff.contractStatus.${c.status}`),
    },
    {
      title: t('fdStaff.residents.plans'),
      key: 'plans',
      render: (_, c) =>
        c.plans && c.plans.length > 0 ? (
          <ul className="fd-plan-cells">
            {c.plans.map((p) => (
              <li key={p.condition}>
                <span>{t(`fdStaff.condition.${p.condition}`)}</span>
                <ClassificationTag value={p.lastClassification} />
              </li>
            ))}
          </ul>
        ) : (
          <span className="fd-muted">{t('fdStaff.common.none')}</span>
        ),
    },
    {
      title: t('fdStaff.residents.nextDue'),
      key: 'next',
      render: (_, c) => {
        const next = (c.plans ?? [])
          .map((p) => p.nextDueOn)
          .filter((d): d is string => d !== null)
          .sort()[0];
        return <span className="nowrap">{next ?? t('fdStaff.common.none')}</span>;
      },
    },
  ];

  return (
    <div data-testid="fd-residents">
      <div className="fd-toolbar">
        <Select<PackageGroup | ''>
          className="fd-toolbar__select"
          aria-label={t('fdStaff.residents.groupFilter')}
          value={filters.group ?? ''}
          onChange={(value) => setFilters((f) => ({ ...f, group: value || undefined }))}
          options={[
            { value: '', label: t('fdStaff.residents.allGroups') },
            ...PACKAGE_GROUPS.map((g) => ({ value: g, label: t(`fdStaff.group.${g}`) })),
          ]}
          data-testid="fd-filter-group"
        />
        <Select<ContractStatus | ''>
          className="fd-toolbar__select"
          aria-label={t('fdStaff.residents.statusFilter')}
          value={filters.status ?? ''}
          onChange={(value) => setFilters((f) => ({ ...f, status: value || undefined }))}
          options={[
            { value: '', label: t('fdStaff.residents.allStatuses') },
            ...CONTRACT_STATUSES.map((s) => ({ value: s, label: t(`fdStaff.contractStatus.${s}`) })),
          ]}
          data-testid="fd-filter-status"
        />
        <Input.Search
          className="fd-toolbar__search"
          aria-label={t('fdStaff.residents.search')}
          placeholder={t('fdStaff.residents.searchHint')}
          allowClear
          maxLength={40}
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            if (!e.target.value) setFilters((f) => ({ ...f, q: undefined }));
          }}
          onSearch={(value) => setFilters((f) => ({ ...f, q: value.trim() || undefined }))}
          enterButton={t('fdStaff.residents.searchButton')}
          data-testid="fd-filter-q"
        />
      </div>
      {list.error !== undefined && (
        <Alert type="error" showIcon className="fd-block" title={errorText(list.error, t)} />
      )}
      <Table<ContractView>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        components={components}
        loading={list.loading}
        pagination={false}
        // Sideways scrolling only with rows (their buttons let the keyboard reach it); an empty table's
        // scroll box would hold nothing focusable (axe scrollable-region-focusable).
        scroll={list.items.length > 0 ? { x: 900 } : undefined}
        onRow={(c) =>
          ({
            'data-testid': 'fd-resident-row',
            'data-patient-id': c.patientId,
            onDoubleClick: () => open(c),
          }) as HTMLAttributes<HTMLElement>
        }
        locale={{ emptyText: t('fdStaff.residents.empty') }}
      />
      {list.hasMore && (
        <div className="fd-more">
          <Button onClick={list.loadMore} loading={list.loadingMore} data-testid="fd-residents-more">
            {t('fdStaff.common.loadMore')}
          </Button>
        </div>
      )}
    </div>
  );
}
