import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Table, type TableColumnsType, Tag, Typography } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Routes, useNavigate, useParams } from 'react-router-dom';
import type { CarePatient } from '../../../shared/records.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { CardHeading, useTableCaption } from './captioned.js';
import { RelationshipTag } from './HiddenNotice.js';
import { PatientArchive } from './PatientArchive.js';
import { dateTime } from './results.js';
import './records.css';

/**
 * 我的患者 (/clinic/carePatients): the patients whose records the doctor or nurse may open now — a recent
 * visit, an authorisation, break-glass (SEC-1) — and each one's 患者档案 at /clinic/carePatients/:patientId.
 */
export function CarePatientsPage() {
  return (
    <Routes>
      <Route index element={<CarePatientList />} />
      <Route path=":patientId" element={<PatientArchivePage />} />
    </Routes>
  );
}

function CarePatientList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const list = useApiData<{ items: CarePatient[] }>('/care-patients');
  const components = useTableCaption(t('recordsStaff.care.caption'));

  const columns: TableColumnsType<CarePatient> = [
    {
      title: t('recordsStaff.care.name'),
      key: 'name',
      render: (_, p) => <Typography.Text strong>{p.name}</Typography.Text>,
    },
    {
      title: t('recordsStaff.care.sexAge'),
      key: 'sexAge',
      render: (_, p) =>
        [
          p.sex ? t(`patient.sex.${p.sex}`) : null,
          p.age === null ? null : t('recordsStaff.archive.ageValue', { age: p.age }),
        ]
          .filter(Boolean)
          .join(' / ') || '—',
    },
    {
      title: t('recordsStaff.care.relationship'),
      key: 'relationship',
      render: (_, p) => <RelationshipTag relationship={p.relationship} />,
    },
    {
      title: t('recordsStaff.care.categories'),
      key: 'categories',
      render: (_, p) =>
        p.categories === null ? (
          t('recordsStaff.care.allCategories')
        ) : (
          <span className="rec-tags">
            {p.categories.map((c) => (
              <Tag key={c} variant="filled">
                {t(`recordsStaff.category.${c}`)}
              </Tag>
            ))}
          </span>
        ),
    },
    {
      title: t('recordsStaff.care.until'),
      key: 'until',
      render: (_, p) => (
        <span className="nowrap">{p.until ? dateTime(p.until) : t('recordsStaff.care.noUntil')}</span>
      ),
    },
    {
      title: t('recordsStaff.care.actions'),
      key: 'actions',
      width: 110,
      render: (_, p) => (
        <Button
          type="primary"
          size="small"
          onClick={() => navigate(p.patientId)}
          aria-label={t('recordsStaff.care.openLabel', { name: p.name })}
          data-testid="care-patient-open"
        >
          {t('recordsStaff.care.open')}
        </Button>
      ),
    },
  ];

  return (
    <div className="staff-page" data-testid="care-patients">
      <Card
        variant="borderless"
        title={<CardHeading>{t('staff.cards.carePatients.title')}</CardHeading>}
        extra={
          <Button icon={<ReloadOutlined aria-hidden />} onClick={list.reload}>
            {t('recordsStaff.care.refresh')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('recordsStaff.care.intro')}</Typography.Paragraph>
        {list.error !== undefined && (
          <Alert type="error" showIcon className="rec-page-alert" title={errorText(list.error, t)} />
        )}
        <Table<CarePatient>
          rowKey={(p) => `${p.patientId}:${p.relationship}`}
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          components={components}
          loading={list.data === undefined && list.error === undefined}
          pagination={false}
          scroll={{ x: 760 }}
          onRow={(p) =>
            ({
              'data-testid': 'care-patient-row',
              'data-patient-id': p.patientId,
            }) as HTMLAttributes<HTMLElement>
          }
          locale={{ emptyText: t('recordsStaff.care.empty') }}
        />
      </Card>
    </div>
  );
}

/** 患者档案 as a page of its own, opened from 我的患者 (or a link holding the patient's id). */
function PatientArchivePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { patientId = '' } = useParams();
  return (
    <div className="staff-page" data-testid="patient-archive-page">
      <Button
        type="text"
        icon={<ArrowLeftOutlined aria-hidden />}
        onClick={() => navigate('..')}
        className="rec-back"
      >
        {t('recordsStaff.archive.back')}
      </Button>
      <Card variant="borderless">
        <PatientArchive key={patientId} patientId={patientId} />
      </Card>
    </div>
  );
}
