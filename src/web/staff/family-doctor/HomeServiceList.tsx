import { WarningOutlined } from '@ant-design/icons';
import { Alert, Button, Table, type TableColumnsType, Tag } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { HomeServiceView } from '../../../shared/family-doctor.js';
import { errorText } from '../../errors.js';
import { formatWindow, formatYuan } from '../../format.js';
import { useTableCaption } from '../records/captioned.js';
import { type Paged, ServiceStatusTag, sexAge } from './parts.js';

/** Home-service orders (上门服务 / 互联网+护理), a panic shown first in red; 详情 opens the order. */
export function HomeServiceList({
  list,
  caption,
  emptyText,
  onOpen,
}: {
  list: Paged<HomeServiceView>;
  caption: string;
  emptyText: string;
  onOpen(service: HomeServiceView): void;
}) {
  const { t, i18n } = useTranslation();
  const components = useTableCaption(caption);
  const columns: TableColumnsType<HomeServiceView> = [
    {
      title: t('fdStaff.service.no'),
      key: 'no',
      width: 150,
      render: (_, s) => <span className="nowrap fd-mono">{s.serviceNo}</span>,
    },
    {
      title: t('fdStaff.service.patient'),
      key: 'patient',
      render: (_, s) => (
        <>
          <strong>{s.patient.name}</strong>
          <div className="fd-muted nowrap">{sexAge(s.patient.sex, s.patient.age, t)}</div>
        </>
      ),
    },
    {
      title: t('fdStaff.service.item'),
      key: 'item',
      render: (_, s) => (
        <>
          <div>{s.item.name}</div>
          <Tag className="fd-category">{t(`fdStaff.category.${s.item.category}`)}</Tag>
          <span className="fd-muted">{formatYuan(s.feeFen)}</span>
        </>
      ),
    },
    {
      title: t('fdStaff.service.window'),
      key: 'window',
      render: (_, s) => (
        <span className="nowrap">{formatWindow(s.window.start, s.window.end, i18n.language)}</span>
      ),
    },
    { title: t('fdStaff.service.address'), key: 'address', render: (_, s) => s.address },
    {
      title: t('fdStaff.service.status'),
      key: 'status',
      render: (_, s) => (
        <span className="fd-tags">
          <ServiceStatusTag status={s.status} />
          {s.panic && (
            <Tag color="red" icon={<WarningOutlined aria-hidden />} data-testid="home-service-panic">
              {t('fdStaff.service.panicTag')}
            </Tag>
          )}
        </span>
      ),
    },
    {
      title: t('fdStaff.service.provider'),
      key: 'provider',
      render: (_, s) =>
        s.provider ? `${s.provider.name} ${s.provider.professionalTitle}` : t('fdStaff.common.none'),
    },
    {
      title: t('fdStaff.service.actions'),
      key: 'actions',
      width: 90,
      render: (_, s) => (
        <Button
          size="small"
          type="primary"
          onClick={() => onOpen(s)}
          autoInsertSpace={false}
          aria-label={t('fdStaff.service.openLabel', { no: s.serviceNo })}
          data-testid="home-service-open"
        >
          {t('fdStaff.service.open')}
        </Button>
      ),
    },
  ];

  return (
    <>
      {list.error !== undefined && (
        <Alert type="error" showIcon className="fd-block" title={errorText(list.error, t)} />
      )}
      <Table<HomeServiceView>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={[...list.items].sort((a, b) => Number(b.panic) - Number(a.panic))}
        components={components}
        loading={list.loading}
        pagination={false}
        // Sideways scrolling only with rows (their buttons let the keyboard reach it); an empty table's
        // scroll box would hold nothing focusable (axe scrollable-region-focusable).
        scroll={list.items.length > 0 ? { x: 1080 } : undefined}
        rowClassName={(s) => (s.panic ? 'fd-row--panic' : '')}
        onRow={(s) =>
          ({
            'data-testid': 'home-service-row',
            'data-id': s.id,
            'data-status': s.status,
          }) as HTMLAttributes<HTMLElement>
        }
        locale={{ emptyText }}
      />
      {list.hasMore && (
        <div className="fd-more">
          <Button onClick={list.loadMore} loading={list.loadingMore}>
            {t('fdStaff.common.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}
