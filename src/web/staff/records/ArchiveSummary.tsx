import { WarningFilled } from '@ant-design/icons';
import { Alert, Col, Descriptions, Empty, Row, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Archive, DiagnosisView } from '../../../shared/records.js';
import { formatFullDate } from '../supervision/format.js';
import { Section, useTableCaption } from './captioned.js';
import { HiddenNotice } from './HiddenNotice.js';
import { ResultValue } from './ResultValue.js';
import { dateOnly, isHidden } from './results.js';

type Vaccination = NonNullable<Archive['vaccinations']>[number];

/** 过敏史, first and in red with a warning icon and the word 过敏: what a prescriber must not miss. */
function Allergies({ archive }: { archive: Archive }) {
  const { t } = useTranslation();
  if (isHidden(archive, 'basic') || archive.allergies === null) return <HiddenNotice category="basic" />;
  if (archive.allergies.length === 0) {
    return (
      <Typography.Text type="secondary" data-testid="no-allergies">
        {t('recordsStaff.archive.noAllergies')}
      </Typography.Text>
    );
  }
  const list = archive.allergies
    .map((a) =>
      a.reaction
        ? t('recordsStaff.archive.allergyReaction', { substance: a.substance, reaction: a.reaction })
        : a.substance,
    )
    .join('、');
  return (
    <Alert
      type="error"
      showIcon
      icon={<WarningFilled aria-hidden />}
      data-testid="allergy-alert"
      title={t('recordsStaff.archive.allergyAlert', { list })}
    />
  );
}

function Demographics({ archive, columns }: { archive: Archive; columns: number }) {
  const { t, i18n } = useTranslation();
  const p = archive.patient;
  const unknown = t('recordsStaff.archive.unknown');
  return (
    <Descriptions
      size="small"
      column={columns}
      bordered
      data-testid="demographics"
      items={[
        { key: 'name', label: t('recordsStaff.archive.name'), children: p.name },
        {
          key: 'sex',
          label: t('recordsStaff.archive.sex'),
          children: p.sex ? t(`patient.sex.${p.sex}`) : unknown,
        },
        {
          key: 'age',
          label: t('recordsStaff.archive.age'),
          children: p.age === null ? unknown : t('recordsStaff.archive.ageValue', { age: p.age }),
        },
        {
          key: 'birthDate',
          label: t('recordsStaff.archive.birthDate'),
          children: p.birthDate ? formatFullDate(p.birthDate, i18n.language) : unknown,
        },
        {
          key: 'idNumber',
          label: t('recordsStaff.archive.idNumber'),
          children: <span className="rec-mono">{p.idNumberMasked ?? unknown}</span>,
        },
      ]}
    />
  );
}

function Chronic({ archive }: { archive: Archive }) {
  const { t } = useTranslation();
  if (archive.chronicConditions === null) return <HiddenNotice category="diagnoses" />;
  if (archive.chronicConditions.length === 0) {
    return <Typography.Text type="secondary">{t('recordsStaff.archive.noChronic')}</Typography.Text>;
  }
  return (
    <ul className="rec-chronic" data-testid="chronic-conditions">
      {archive.chronicConditions.map((d) => (
        <li key={d.id}>
          <Tag color="purple" variant="filled">
            {d.icd10}
          </Tag>
          <Typography.Text strong>{d.name}</Typography.Text>
          {d.institutionName && <span className="rec-sub rec-inline-sub">{d.institutionName}</span>}
        </li>
      ))}
    </ul>
  );
}

function LatestResults({ archive }: { archive: Archive }) {
  const { t } = useTranslation();
  if (archive.latestResults === null) return <HiddenNotice category="labs" />;
  if (archive.latestResults.length === 0) {
    return <Typography.Text type="secondary">{t('recordsStaff.archive.noLatest')}</Typography.Text>;
  }
  return (
    <ul className="rec-latest" data-testid="latest-results">
      {archive.latestResults.map((r) => (
        <li key={r.code} className="rec-latest__item">
          <span className="rec-latest__name">{r.name}</span>
          <ResultValue value={r.valueText} unit={r.unit} flag={r.flag} showWord />
          <span className="rec-sub">{dateOnly(r.effectiveAt)}</span>
        </li>
      ))}
    </ul>
  );
}

function History({ archive, columns }: { archive: Archive; columns: number }) {
  const { t } = useTranslation();
  const h = archive.history;
  if (h === null) return <HiddenNotice category="basic" />;
  const none = <Typography.Text type="secondary">{t('recordsStaff.archive.notRecorded')}</Typography.Text>;
  const text = (value: string | null | undefined) => (value?.trim() ? value : none);
  const life = h.lifestyle;
  return (
    <Descriptions
      size="small"
      column={columns}
      bordered
      styles={{ label: { whiteSpace: 'nowrap' } }}
      data-testid="history"
      items={[
        { key: 'blood', label: t('recordsStaff.archive.bloodType'), children: text(h.bloodType) },
        { key: 'past', label: t('recordsStaff.archive.pastHistory'), children: text(h.pastHistory) },
        {
          key: 'surgical',
          label: t('recordsStaff.archive.surgicalHistory'),
          children: text(h.surgicalHistory),
        },
        { key: 'family', label: t('recordsStaff.archive.familyHistory'), children: text(h.familyHistory) },
        {
          key: 'smoking',
          label: t('recordsStaff.archive.smoking'),
          children: life.smoking ? t(`recordsStaff.archive.smokingLabel.${life.smoking}`) : none,
        },
        {
          key: 'drinking',
          label: t('recordsStaff.archive.drinking'),
          children: life.drinking ? t(`recordsStaff.archive.drinkingLabel.${life.drinking}`) : none,
        },
        { key: 'exercise', label: t('recordsStaff.archive.exercise'), children: text(life.exercise) },
        { key: 'diet', label: t('recordsStaff.archive.diet'), children: text(life.diet) },
      ]}
    />
  );
}

function Diagnoses({ archive }: { archive: Archive }) {
  const { t } = useTranslation();
  const components = useTableCaption(t('recordsStaff.archive.diagnosesCaption'));
  if (archive.diagnoses === null) return <HiddenNotice category="diagnoses" />;
  const columns: TableColumnsType<DiagnosisView> = [
    {
      title: t('recordsStaff.archive.recordedAt'),
      key: 'recordedAt',
      width: 110,
      render: (_, d) => <span className="nowrap">{d.onsetDate ?? dateOnly(d.recordedAt)}</span>,
    },
    { title: t('recordsStaff.archive.icd10'), dataIndex: 'icd10', key: 'icd10', width: 90 },
    {
      title: t('recordsStaff.archive.diagnosisName'),
      key: 'name',
      render: (_, d) => (
        <span>
          {d.name}
          {d.chronic && (
            <Tag color="purple" variant="filled" className="rec-inline-tag">
              {t('recordsStaff.archive.chronicMark')}
            </Tag>
          )}
        </span>
      ),
    },
    {
      title: t('recordsStaff.archive.clinicalStatus'),
      key: 'status',
      width: 90,
      render: (_, d) => t(`recordsStaff.archive.clinicalStatusLabel.${d.clinicalStatus}`),
    },
    {
      title: t('recordsStaff.archive.institution'),
      key: 'institution',
      render: (_, d) => (
        <div>
          {d.institutionName ?? '—'}
          <div className="rec-sub">
            {[d.practitionerName, t(`recordsStaff.archive.sourceLabel.${d.source}`)]
              .filter(Boolean)
              .join(' · ')}
          </div>
        </div>
      ),
    },
  ];
  return (
    <Table<DiagnosisView>
      rowKey="id"
      size="small"
      pagination={archive.diagnoses.length > 10 ? { pageSize: 10, hideOnSinglePage: true } : false}
      columns={columns}
      dataSource={archive.diagnoses}
      components={components}
      scroll={{ x: 560 }}
      data-testid="diagnoses"
      locale={{ emptyText: t('recordsStaff.archive.noDiagnoses') }}
    />
  );
}

function Vaccinations({ archive }: { archive: Archive }) {
  const { t } = useTranslation();
  const components = useTableCaption(t('recordsStaff.archive.vaccinationsCaption'));
  if (archive.vaccinations === null) return <HiddenNotice category="basic" />;
  if (archive.vaccinations.length === 0) {
    return (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('recordsStaff.archive.noVaccinations')} />
    );
  }
  const columns: TableColumnsType<Vaccination> = [
    { title: t('recordsStaff.archive.vaccine'), dataIndex: 'vaccine', key: 'vaccine' },
    { title: t('recordsStaff.archive.dose'), key: 'dose', render: (_, v) => v.dose ?? '—' },
    {
      title: t('recordsStaff.archive.givenOn'),
      key: 'givenOn',
      render: (_, v) => <span className="nowrap">{v.givenOn}</span>,
    },
    { title: t('recordsStaff.archive.institution'), key: 'inst', render: (_, v) => v.institutionName ?? '—' },
  ];
  return (
    <Table<Vaccination>
      rowKey="id"
      size="small"
      pagination={false}
      columns={columns}
      dataSource={archive.vaccinations}
      components={components}
      scroll={{ x: 480 }}
      data-testid="vaccinations"
    />
  );
}

/**
 * 档案概要: allergies first, then who the patient is, chronic conditions, latest measurements, history,
 * diagnoses and vaccinations — each section either shown or named as not authorised (SEC-1).
 */
export function ArchiveSummary({ archive, compact }: { archive: Archive; compact: boolean }) {
  const { t } = useTranslation();
  const level = compact ? 4 : 3;
  const half = compact ? 24 : 12;
  return (
    <div className="rec-summary" data-testid="archive-summary">
      <Section title={t('recordsStaff.archive.allergies')} level={level} testId="allergies">
        <Allergies archive={archive} />
      </Section>
      <Row gutter={[24, 8]}>
        <Col xs={24} xl={half}>
          <Section title={t('recordsStaff.archive.demographics')} level={level}>
            <Demographics archive={archive} columns={1} />
          </Section>
        </Col>
        <Col xs={24} xl={half}>
          <Section title={t('recordsStaff.archive.chronic')} level={level}>
            <Chronic archive={archive} />
          </Section>
          <Section title={t('recordsStaff.archive.latest')} level={level}>
            <LatestResults archive={archive} />
          </Section>
        </Col>
      </Row>
      <Section title={t('recordsStaff.archive.history')} level={level}>
        <History archive={archive} columns={compact ? 1 : 2} />
      </Section>
      <Section title={t('recordsStaff.archive.diagnoses')} level={level}>
        <Diagnoses archive={archive} />
      </Section>
      <Section title={t('recordsStaff.archive.vaccinations')} level={level}>
        <Vaccinations archive={archive} />
      </Section>
    </div>
  );
}
