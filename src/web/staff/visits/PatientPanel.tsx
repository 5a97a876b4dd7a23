import { CheckCircleFilled } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Empty, Image, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientHistory, VisitView } from '../../../shared/visits.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { formatDateTime, shanghaiDate } from '../../format.js';
import { Thumbnail } from './Thumbnail.js';
import { GuardianTag, sexAge } from './tags.js';
import { visitErrorText } from './visitApi.js';

const EDITABLE = ['waiting', 'in_progress'];

/** The follow-up's grounds: an offline diagnosis, or a document the doctor accepts (VISIT-1, VISIT-2). */
function Evidence({ visit, onChanged }: { visit: VisitView; onChanged(visit: VisitView): void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [accepting, setAccepting] = useState(false);
  const evidence = visit.evidence;
  if (!evidence)
    return <Typography.Text type="secondary">{t('workstation.workspace.noEvidence')}</Typography.Text>;

  async function accept() {
    setAccepting(true);
    try {
      onChanged(await post<VisitView>(`/visits/${visit.id}/evidence/accept`));
      message.success(t('workstation.workspace.accepted'));
    } catch (failure) {
      message.error(visitErrorText(failure, t));
    } finally {
      setAccepting(false);
    }
  }

  if (evidence.kind === 'offline_diagnosis') {
    return (
      <div className="evidence" data-testid="evidence">
        <Tag color="cyan">{t('workstation.workspace.evidenceOffline')}</Tag>
        <div className="evidence__diagnosis">
          <Typography.Text strong>
            {evidence.icd10} {evidence.name}
          </Typography.Text>
        </div>
        <Typography.Text type="secondary" className="evidence__meta">
          {[evidence.institutionName, evidence.diagnosedAt && shanghaiDate(evidence.diagnosedAt)]
            .filter(Boolean)
            .join(' · ')}
        </Typography.Text>
      </div>
    );
  }
  return (
    <div className="evidence" data-testid="evidence">
      <Tag color="gold">{t('workstation.workspace.evidenceDocument')}</Tag>
      {evidence.attachmentId && (
        <div className="evidence__doc">
          <Image.PreviewGroup>
            <Thumbnail id={evidence.attachmentId} size={88} />
          </Image.PreviewGroup>
        </div>
      )}
      {evidence.acceptedAt ? (
        <Typography.Text type="success" data-testid="evidence-accepted">
          <CheckCircleFilled aria-hidden /> {t('workstation.workspace.evidenceAccepted')} ·{' '}
          {formatDateTime(evidence.acceptedAt, i18n.language)}
        </Typography.Text>
      ) : (
        <Space orientation="vertical" size={6}>
          <Typography.Text type="warning">{t('workstation.workspace.evidencePending')}</Typography.Text>
          {EDITABLE.includes(visit.status) && (
            <Button
              type="primary"
              size="small"
              loading={accepting}
              onClick={accept}
              data-testid="evidence-accept"
            >
              {t('workstation.workspace.accept')}
            </Button>
          )}
        </Space>
      )}
    </div>
  );
}

function History({ visitId }: { visitId: string }) {
  const { t, i18n } = useTranslation();
  const { data, error } = useApiData<PatientHistory>(`/visits/${visitId}/patient-history`);
  if (error) return <Typography.Text type="secondary">{visitErrorText(error, t)}</Typography.Text>;
  if (!data) return null;
  if (data.offlineDiagnoses.length === 0 && data.records.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workstation.workspace.noHistory')} />;
  }
  return (
    <div className="history" data-testid="patient-history">
      {data.offlineDiagnoses.length > 0 && (
        <>
          <Typography.Text type="secondary" className="history__head">
            {t('workstation.workspace.offlineDiagnoses')}
          </Typography.Text>
          {data.offlineDiagnoses.map((d, i) => (
            <div key={d.id ?? i} className="history__item" data-testid="history-offline">
              <Typography.Text strong>
                {d.icd10} {d.name}
              </Typography.Text>
              <Typography.Text type="secondary" className="history__meta">
                {[
                  d.diagnosedAt && shanghaiDate(d.diagnosedAt),
                  d.institutionName,
                  d.departmentName,
                  d.doctorName,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </Typography.Text>
            </div>
          ))}
        </>
      )}
      {data.records.length > 0 && (
        <>
          <Typography.Text type="secondary" className="history__head">
            {t('workstation.workspace.onlineRecords')}
          </Typography.Text>
          {data.records.map((r) => (
            <div key={r.visitId} className="history__item" data-testid="history-record">
              <Typography.Text strong>
                {r.diagnoses.map((d) => `${d.icd10} ${d.name}`).join('，') || '—'}
              </Typography.Text>
              {r.chiefComplaint && <span className="history__complaint">{r.chiefComplaint}</span>}
              <Typography.Text type="secondary" className="history__meta">
                {formatDateTime(r.signedAt, i18n.language)} · {r.doctorName}
              </Typography.Text>
            </div>
          ))}
        </>
      )}
    </div>
  );
}

/** Left column: who the patient is, what they asked, on what grounds, and their past care. */
export function PatientPanel({ visit, onChanged }: { visit: VisitView; onChanged(visit: VisitView): void }) {
  const { t } = useTranslation();
  const referral = visit.referral;
  return (
    <div className="panel-stack">
      <Card size="small" title={t('workstation.workspace.patientCard')} data-testid="patient-card">
        <Descriptions
          size="small"
          column={1}
          items={[
            { key: 'name', label: t('workstation.workspace.name'), children: visit.patientName },
            {
              key: 'sexAge',
              label: t('workstation.workspace.sexAge'),
              children: (
                <span>
                  {sexAge(visit, t)}
                  {visit.isMinor && (
                    <Tag color="orange" className="patient-minor">
                      {t('workstation.minor')}
                    </Tag>
                  )}
                </span>
              ),
            },
            ...(visit.isMinor || visit.guardianRequired
              ? [
                  {
                    key: 'guardian',
                    label: t('workstation.workspace.guardian'),
                    children: <GuardianTag visit={visit} />,
                  },
                ]
              : []),
            ...(visit.conditionName || visit.conditionCode
              ? [
                  {
                    key: 'condition',
                    label: t('workstation.workspace.condition'),
                    children: [visit.conditionCode, visit.conditionName].filter(Boolean).join(' '),
                  },
                ]
              : []),
          ]}
        />
        <Typography.Text type="secondary" className="panel-label">
          {t('workstation.workspace.description')}
        </Typography.Text>
        <Typography.Paragraph className="visit-description" data-testid="visit-description">
          {visit.description}
        </Typography.Paragraph>
        <Typography.Text type="secondary" className="panel-label">
          {t('workstation.workspace.pictures')}
        </Typography.Text>
        {visit.attachmentIds.length > 0 ? (
          <div className="thumb-grid">
            <Image.PreviewGroup>
              {visit.attachmentIds.map((id) => (
                <Thumbnail key={id} id={id} size={72} />
              ))}
            </Image.PreviewGroup>
          </div>
        ) : (
          <Typography.Text type="secondary" className="visit-muted">
            {t('workstation.workspace.noPictures')}
          </Typography.Text>
        )}
      </Card>
      {referral && (
        <Card size="small" title={t('workstation.workspace.referral')} data-testid="referral-card">
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: 'reason', label: t('workstation.workspace.referralReason'), children: referral.reason },
              {
                key: 'to',
                label: t('workstation.workspace.referralTo'),
                children:
                  [referral.recommendation.institutionName, referral.recommendation.departmentName]
                    .filter(Boolean)
                    .join(' · ') || '—',
              },
              ...(referral.recommendation.note
                ? [
                    {
                      key: 'note',
                      label: t('workstation.workspace.referralNote'),
                      children: referral.recommendation.note,
                    },
                  ]
                : []),
            ]}
          />
        </Card>
      )}
      {(visit.type === 'follow_up' || visit.evidence) && (
        <Card size="small" title={t('workstation.workspace.evidence')}>
          <Evidence visit={visit} onChanged={onChanged} />
        </Card>
      )}
      <Card size="small" title={t('workstation.workspace.history')}>
        <History visitId={visit.id} />
      </Card>
    </div>
  );
}
