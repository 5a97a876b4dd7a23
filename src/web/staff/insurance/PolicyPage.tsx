import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import { type HTMLAttributes, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  INSTITUTION_LEVELS,
  type PolicyList,
  type PolicyVersion,
  SCHEMES,
} from '../../../shared/insurance.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { addDays, formatYuan } from '../../format.js';
import { CardHeading, useTableCaption } from '../records/captioned.js';
import { formatFullDate, formatInstant } from '../supervision/format.js';
import { SchemeTag } from './InsurerParts.js';
import { PolicyFormModal } from './PolicyFormModal.js';
import { formatBp } from './policyForm.js';
import '../records/records.css';
import '../supervision/supervision.css';
import './insurance.css';

type Designation = PolicyList['designations'][number];

/** Scheme, then level from primary up, then the newest version first. */
function ordered(items: readonly PolicyVersion[]): PolicyVersion[] {
  return [...items].sort(
    (a, b) =>
      SCHEMES.indexOf(a.scheme) - SCHEMES.indexOf(b.scheme) ||
      INSTITUTION_LEVELS.indexOf(a.institutionLevel) - INSTITUTION_LEVELS.indexOf(b.institutionLevel) ||
      b.version - a.version,
  );
}

function RulesDescriptions({ policy }: { policy: PolicyVersion }) {
  const { t } = useTranslation();
  const r = policy.rules;
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, md: 2 }}
      data-testid="policy-rules"
      items={[
        {
          key: 'deductible',
          label: t('insuranceStaff.policy.deductible'),
          children: formatYuan(r.deductibleFen),
        },
        {
          key: 'reimbursement',
          label: t('insuranceStaff.policy.reimbursement'),
          children: formatBp(r.reimbursementBp),
        },
        {
          key: 'annualCap',
          label: t('insuranceStaff.policy.annualCap'),
          children: formatYuan(r.annualCapFen),
        },
        {
          key: 'categoryB',
          label: t('insuranceStaff.policy.categoryB'),
          children: formatBp(r.categoryBFirstSelfPayBp),
        },
        {
          key: 'serviceFeeBasis',
          label: t('insuranceStaff.policy.serviceFeeBasis'),
          children: formatYuan(r.serviceFeeBasisFen),
        },
        {
          key: 'accountPaysSelfPay',
          label: t('insuranceStaff.policy.accountPaysSelfPay'),
          children: r.accountPaysSelfPay ? t('insuranceStaff.common.yes') : t('insuranceStaff.common.no'),
        },
        {
          key: 'familyDoctorReferralBonus',
          label: t('insuranceStaff.policy.familyDoctorReferralBonus'),
          children: formatYuan(r.familyDoctorReferralBonusFen),
        },
        {
          key: 'contractedElderlyCommunityCut',
          label: t('insuranceStaff.policy.contractedElderlyCommunityCut'),
          children: formatYuan(r.contractedElderlyCommunityCutFen),
        },
        {
          key: 'note',
          label: t('insuranceStaff.policy.note'),
          children: policy.note ?? t('insuranceStaff.common.none'),
        },
        {
          key: 'createdAt',
          label: t('insuranceStaff.policy.createdAt'),
          children: formatInstant(policy.createdAt),
        },
      ]}
    />
  );
}

/**
 * 医保政策 (/insurer/policy): the reimbursement rules' versions per scheme × level — effective dates, which
 * is in force today — a form to publish a new one, and the designated institutions (INS-1).
 */
export function InsurancePolicyPage() {
  const { t, i18n } = useTranslation();
  const list = useApiData<PolicyList>('/insurance/policies');
  const [publishing, setPublishing] = useState(false);
  const versionsCaption = useTableCaption(t('insuranceStaff.policy.caption'));
  const designationsCaption = useTableCaption(t('insuranceStaff.policy.designations.caption'));
  const day = (date: string) => formatFullDate(date, i18n.language);
  // `to` is the first day it no longer holds (exclusive): the period shown ends the day before.
  const period = (from: string, to: string | null) =>
    to
      ? t('insuranceStaff.policy.effectiveRange', { from: day(from), to: day(addDays(to, -1)) })
      : t('insuranceStaff.policy.effectiveOpen', { from: day(from) });

  const columns: TableColumnsType<PolicyVersion> = [
    {
      title: t('insuranceStaff.policy.scheme'),
      key: 'scheme',
      width: 110,
      render: (_, p) => <SchemeTag scheme={p.scheme} />,
    },
    {
      title: t('insuranceStaff.policy.level'),
      key: 'level',
      width: 80,
      render: (_, p) => t(`insuranceStaff.level.${p.institutionLevel}`),
    },
    {
      title: t('insuranceStaff.policy.version'),
      key: 'version',
      width: 120,
      render: (_, p) => (
        <Space size={4}>
          <span>{t('insuranceStaff.policy.versionValue', { version: p.version })}</span>
          {p.inForce && (
            <Tag color="success" data-testid="policy-in-force">
              {t('insuranceStaff.policy.inForce')}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      title: t('insuranceStaff.policy.effective'),
      key: 'effective',
      width: 190,
      render: (_, p) => <span className="nowrap">{period(p.effectiveFrom, p.effectiveTo)}</span>,
    },
    {
      title: t('insuranceStaff.policy.deductible'),
      key: 'deductible',
      align: 'right',
      render: (_, p) => formatYuan(p.rules.deductibleFen),
    },
    {
      title: t('insuranceStaff.policy.reimbursement'),
      key: 'reimbursement',
      align: 'right',
      render: (_, p) => formatBp(p.rules.reimbursementBp),
    },
    {
      title: t('insuranceStaff.policy.annualCap'),
      key: 'annualCap',
      align: 'right',
      render: (_, p) => formatYuan(p.rules.annualCapFen),
    },
    {
      title: t('insuranceStaff.policy.serviceFeeBasis'),
      key: 'serviceFeeBasis',
      align: 'right',
      render: (_, p) => formatYuan(p.rules.serviceFeeBasisFen),
    },
  ];

  const designationColumns: TableColumnsType<Designation> = [
    {
      title: t('insuranceStaff.policy.designations.institution'),
      dataIndex: 'institutionName',
      key: 'institution',
    },
    {
      title: t('insuranceStaff.policy.designations.level'),
      key: 'level',
      width: 90,
      render: (_, d) => (d.level ? t(`insuranceStaff.level.${d.level}`) : t('insuranceStaff.common.none')),
    },
    {
      title: t('insuranceStaff.policy.designations.agreementNo'),
      dataIndex: 'agreementNo',
      key: 'agreementNo',
    },
    {
      title: t('insuranceStaff.policy.designations.effective'),
      key: 'effective',
      render: (_, d) => (
        <Space size={4}>
          <span className="nowrap">{period(d.effectiveFrom, d.effectiveTo)}</span>
          {d.inForce && <Tag color="success">{t('insuranceStaff.policy.designations.inForce')}</Tag>}
        </Space>
      ),
    },
  ];

  return (
    <div className="staff-page ins-staff" data-testid="insurance-policy">
      <Card
        variant="borderless"
        className="ins-card"
        title={<CardHeading>{t('staff.cards.policy.title')}</CardHeading>}
        extra={
          <Space>
            <Button icon={<ReloadOutlined aria-hidden />} onClick={list.reload}>
              {t('insuranceStaff.common.refresh')}
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined aria-hidden />}
              disabled={!list.data}
              onClick={() => setPublishing(true)}
              data-testid="policy-publish"
            >
              {t('insuranceStaff.policy.publish')}
            </Button>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">{t('insuranceStaff.policy.intro')}</Typography.Paragraph>
        {list.error !== undefined && (
          <Alert type="error" showIcon className="rec-page-alert" title={errorText(list.error, t)} />
        )}
        <Table<PolicyVersion>
          rowKey="id"
          size="middle"
          columns={columns}
          components={versionsCaption}
          dataSource={list.data ? ordered(list.data.items) : []}
          loading={list.data === undefined && list.error === undefined}
          pagination={false}
          scroll={{ x: 900 }}
          expandable={{ expandedRowRender: (p) => <RulesDescriptions policy={p} /> }}
          onRow={(p) =>
            ({
              'data-testid': 'policy-row',
              'data-scheme': p.scheme,
              'data-level': p.institutionLevel,
              'data-version': p.version,
              'data-in-force': p.inForce ? 'true' : 'false',
            }) as HTMLAttributes<HTMLElement>
          }
          locale={{ emptyText: t('insuranceStaff.policy.empty') }}
        />
      </Card>
      <Card
        variant="borderless"
        className="ins-card"
        title={<CardHeading>{t('insuranceStaff.policy.designations.title')}</CardHeading>}
      >
        <Typography.Paragraph type="secondary">
          {t('insuranceStaff.policy.designations.intro')}
        </Typography.Paragraph>
        <Table<Designation>
          rowKey={(d) => `${d.institutionId}:${d.agreementNo}:${d.effectiveFrom}`}
          size="middle"
          columns={designationColumns}
          components={designationsCaption}
          dataSource={list.data?.designations ?? []}
          loading={list.data === undefined && list.error === undefined}
          pagination={false}
          onRow={(d) =>
            ({
              'data-testid': 'designation-row',
              'data-in-force': d.inForce ? 'true' : 'false',
            }) as HTMLAttributes<HTMLElement>
          }
          locale={{ emptyText: t('insuranceStaff.policy.designations.empty') }}
        />
      </Card>
      <PolicyFormModal
        open={publishing}
        versions={list.data?.items ?? []}
        onClose={() => setPublishing(false)}
        onDone={() => {
          setPublishing(false);
          list.reload();
        }}
      />
    </div>
  );
}
