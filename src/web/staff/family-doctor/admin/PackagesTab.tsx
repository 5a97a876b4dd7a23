import { EditOutlined, PlusOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { type HTMLAttributes, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { PackageList, PackageView } from '../../../../shared/family-doctor.js';
import { post } from '../../../api.js';
import { useApiData } from '../../../components/useApiData.js';
import { errorText } from '../../../errors.js';
import { formatYuan } from '../../../format.js';
import { Section, useTableCaption } from '../../records/captioned.js';
import { PackageFormModal } from './PackageFormModal.js';

/** 适用人群 in words: ages, sex, ICD-10 prefixes; "不限" when open to anyone. */
function useEligibility() {
  const { t, i18n } = useTranslation();
  const separator = i18n.language === 'en-US' ? ', ' : '，';
  return (p: PackageView) => {
    const parts: string[] = [];
    if (p.minAge !== null && p.maxAge !== null)
      parts.push(t('fdAdmin.packages.ageRange', { min: p.minAge, max: p.maxAge }));
    else if (p.minAge !== null) parts.push(t('fdAdmin.packages.ageFrom', { min: p.minAge }));
    else if (p.maxAge !== null) parts.push(t('fdAdmin.packages.ageTo', { max: p.maxAge }));
    if (p.sex) parts.push(t(`fdAdmin.sex.${p.sex}`));
    if (p.conditions.length > 0)
      parts.push(
        t('fdAdmin.packages.conditions', {
          codes: p.conditions.join(i18n.language === 'en-US' ? ', ' : '、'),
        }),
      );
    return parts.length === 0 ? t('fdAdmin.packages.anyone') : parts.join(separator);
  };
}

/**
 * 服务包: the district's standard packages (read only) and the institution's own, personalised ones with
 * create, edit and retire. Prices per person-year with the FD-3 split.
 */
export function PackagesTab({ institutionId }: { institutionId: string }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const packages = useApiData<Static<typeof PackageList>>(
    `/family-doctor/packages?institutionId=${institutionId}`,
  );
  const [editing, setEditing] = useState<{ pkg?: PackageView } | undefined>();
  const eligibility = useEligibility();
  const districtCaption = useTableCaption(t('fdAdmin.packages.districtCaption'));
  const ownCaption = useTableCaption(t('fdAdmin.packages.ownCaption'));
  const items = packages.data?.items ?? [];
  const district = items.filter((p) => p.institutionId === null);
  const own = items.filter((p) => p.institutionId === institutionId);
  const loading = packages.data === undefined && packages.error === undefined;

  function retire(p: PackageView) {
    modal.confirm({
      title: t('fdAdmin.packages.retireTitle', { name: p.name }),
      content: t('fdAdmin.packages.retireDesc'),
      okText: t('fdAdmin.packages.retire'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await post(`/family-doctor/packages/${p.id}/retire`);
          message.success(t('fdAdmin.packages.retiredDone', { name: p.name }));
          packages.reload();
        } catch (failure) {
          message.error(errorText(failure, t));
        }
      },
    });
  }

  const money = (fen: number) => <span className="fda-num">{formatYuan(fen)}</span>;
  const columns = (editable: boolean): TableColumnsType<PackageView> => [
    {
      title: t('fdAdmin.packages.name'),
      key: 'name',
      width: 200,
      render: (_, p) => (
        <div>
          <Typography.Text strong>{p.name}</Typography.Text>
          <div className="fda-sub">{p.code}</div>
        </div>
      ),
    },
    {
      title: t('fdAdmin.packages.group'),
      key: 'group',
      width: 110,
      render: (_, p) => <Tag>{t(`fdAdmin.group.${p.group}`)}</Tag>,
    },
    {
      title: t('fdAdmin.packages.fee'),
      key: 'fee',
      align: 'right',
      width: 96,
      render: (_, p) => money(p.feeFen),
    },
    {
      title: t('fdAdmin.packages.insurance'),
      key: 'insurance',
      align: 'right',
      width: 96,
      render: (_, p) => money(p.insuranceFen),
    },
    {
      title: t('fdAdmin.packages.publicHealth'),
      key: 'publicHealth',
      align: 'right',
      width: 96,
      render: (_, p) => money(p.publicHealthFen),
    },
    {
      title: t('fdAdmin.packages.resident'),
      key: 'resident',
      align: 'right',
      width: 96,
      render: (_, p) => money(p.residentFen),
    },
    {
      title: t('fdAdmin.packages.eligibility'),
      key: 'eligibility',
      width: 180,
      render: (_, p) => eligibility(p),
    },
    {
      title: t('fdAdmin.packages.status'),
      key: 'status',
      width: 90,
      render: (_, p) =>
        p.status === 'active' ? (
          <Tag color="success">{t('fdAdmin.packages.active')}</Tag>
        ) : (
          <Tag>{t('fdAdmin.packages.retired')}</Tag>
        ),
    },
    ...(editable
      ? [
          {
            title: t('fdAdmin.common.actions'),
            key: 'actions',
            width: 140,
            render: (_: unknown, p: PackageView) =>
              p.status === 'active' && (
                <Space size={0}>
                  <Button
                    type="link"
                    size="small"
                    icon={<EditOutlined aria-hidden />}
                    aria-label={`${t('fdAdmin.common.edit')} ${p.name}`}
                    onClick={() => setEditing({ pkg: p })}
                    data-testid="fd-package-edit"
                  >
                    {t('fdAdmin.common.edit')}
                  </Button>
                  <Button
                    type="link"
                    size="small"
                    danger
                    icon={<StopOutlined aria-hidden />}
                    aria-label={`${t('fdAdmin.packages.retire')} ${p.name}`}
                    onClick={() => retire(p)}
                    data-testid="fd-package-retire"
                  >
                    {t('fdAdmin.packages.retire')}
                  </Button>
                </Space>
              ),
          },
        ]
      : []),
  ];

  // The services list, shown when a row is expanded.
  const expandable = {
    expandedRowRender: (p: PackageView) => (
      <div className="fda-expanded">
        <Typography.Paragraph className="fda-expanded__desc">{p.description}</Typography.Paragraph>
        <Typography.Text type="secondary">
          {t('fdAdmin.packages.servicesHeading', { count: p.services.length })}
        </Typography.Text>
        <ul className="fda-services">
          {p.services.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      </div>
    ),
  };
  const rowProps = (p: PackageView) =>
    ({
      'data-testid': 'fd-package-row',
      'data-code': p.code,
      'data-status': p.status,
    }) as HTMLAttributes<HTMLElement>;

  return (
    <div data-testid="fd-packages">
      {packages.error !== undefined && (
        <Alert className="rec-page-alert" type="error" showIcon title={errorText(packages.error, t)} />
      )}
      <Section
        title={t('fdAdmin.packages.ownTitle')}
        testId="fd-packages-own"
        extra={
          <Space>
            <Button icon={<ReloadOutlined aria-hidden />} onClick={packages.reload}>
              {t('fdAdmin.common.refresh')}
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined aria-hidden />}
              onClick={() => setEditing({})}
              disabled={!packages.data}
              data-testid="fd-package-create"
            >
              {t('fdAdmin.packages.create')}
            </Button>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">{t('fdAdmin.packages.ownIntro')}</Typography.Paragraph>
        <Table<PackageView>
          rowKey="id"
          size="middle"
          columns={columns(true)}
          components={ownCaption}
          dataSource={own}
          loading={loading}
          pagination={false}
          scroll={{ x: 1040 }}
          expandable={expandable}
          onRow={rowProps}
          locale={{ emptyText: t('fdAdmin.packages.emptyOwn') }}
        />
      </Section>
      <Section title={t('fdAdmin.packages.districtTitle')} testId="fd-packages-district">
        <Typography.Paragraph type="secondary">{t('fdAdmin.packages.districtIntro')}</Typography.Paragraph>
        <Table<PackageView>
          rowKey="id"
          size="middle"
          columns={columns(false)}
          components={districtCaption}
          dataSource={district}
          loading={loading}
          pagination={false}
          scroll={{ x: 900 }}
          expandable={expandable}
          onRow={rowProps}
          locale={{ emptyText: t('fdAdmin.packages.emptyDistrict') }}
        />
      </Section>
      <PackageFormModal
        open={editing !== undefined}
        pkg={editing?.pkg}
        onClose={() => setEditing(undefined)}
        onDone={() => {
          setEditing(undefined);
          packages.reload();
        }}
      />
    </div>
  );
}
