import { ArrowLeftOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  Radio,
  Select,
  Space,
  Steps,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { VerifiedHealthCard } from '../../../shared/health-card.js';
import {
  type CreateDiagnosticRequestBody,
  type DiagnosticCentre,
  type DiagnosticRequestView,
  IMAGING_MODALITIES,
  type LabPanel,
  REMOTE_KINDS,
  type RemoteKind,
  URGENCIES,
  type Urgency,
} from '../../../shared/remote.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { describeError, errorText } from '../../errors.js';
import { CardHeading } from '../records/captioned.js';
import { sexAgeText } from './parts.js';

interface Values {
  kind: RemoteKind;
  centreId?: string;
  modality?: (typeof IMAGING_MODALITIES)[number];
  panels?: string[];
  urgency: Urgency;
  question?: string;
  history?: string;
  consentBy: 'patient' | 'guardian';
  guardianName?: string;
  guardianRelation?: string;
  method: 'written' | 'electronic';
  confirmed?: boolean;
}

const REQUEST_FIELDS = ['kind', 'centreId', 'modality', 'panels', 'urgency', 'question', 'history'] as const;

/** Step 1: the patient shows the electronic health card; the scan (or pasted code) says who they are. */
function IdentifyPatient({
  patient,
  onIdentified,
}: {
  patient: { card: VerifiedHealthCard; code: string } | undefined;
  onIdentified(found: { card: VerifiedHealthCard; code: string } | undefined): void;
}) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ title: string; detail?: string }>();

  async function verify() {
    const value = code.trim();
    if (!value || busy) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const card = await post<VerifiedHealthCard>('/health-cards/verify', { code: value });
      onIdentified({ card, code: value });
      setCode('');
    } catch (error) {
      setFailure(describeError(error, t));
    } finally {
      setBusy(false);
    }
  }

  if (patient) {
    const { card } = patient;
    return (
      <Card size="small" className="rr-patient" data-testid="remote-patient">
        <Descriptions
          column={{ xs: 1, md: 2 }}
          size="small"
          title={
            <Space>
              <span data-testid="remote-patient-name">{card.name}</span>
              <Tag color="green">{t('remoteRequests.new.identified')}</Tag>
            </Space>
          }
          extra={<Button onClick={() => onIdentified(undefined)}>{t('remoteRequests.new.rescan')}</Button>}
          items={[
            { key: 'sexAge', label: t('remoteRequests.new.sex'), children: sexAgeText(card, t) },
            {
              key: 'id',
              label: t('remoteRequests.new.idNumber'),
              children: card.idNumberMasked ?? t('remoteRequests.common.unknown'),
            },
            { key: 'card', label: t('remoteRequests.new.cardNo'), children: card.cardNo },
          ]}
        />
      </Card>
    );
  }

  return (
    <form
      className="rr-identify"
      onSubmit={(event) => {
        event.preventDefault();
        void verify();
      }}
    >
      <label htmlFor="rr-card-code" className="rr-label">
        {t('remoteRequests.new.codeLabel')}
      </label>
      <Space.Compact className="rr-identify__row">
        <Input
          id="rr-card-code"
          autoFocus
          autoComplete="off"
          spellCheck={false}
          value={code}
          onChange={(event) => setCode(event.target.value)}
          placeholder={t('remoteRequests.new.codePlaceholder')}
          data-testid="remote-card-code"
        />
        <Button
          type="primary"
          htmlType="submit"
          loading={busy}
          autoInsertSpace={false}
          data-testid="remote-card-verify"
        >
          {t('remoteRequests.new.verify')}
        </Button>
      </Space.Compact>
      <Typography.Paragraph type="secondary" className="rr-hint">
        {t('remoteRequests.new.codeHint')}
      </Typography.Paragraph>
      {failure && (
        <Alert
          type="error"
          showIcon
          title={failure.title}
          description={failure.detail}
          data-testid="remote-card-failure"
        />
      )}
    </form>
  );
}

/**
 * 新建远程诊断申请: identify the patient by their health card, choose a centre the institution has an agreement
 * with (REMOTE-1) and say what is asked (REMOTE-3), record the consent (REMOTE-2), then submit.
 */
export function NewRequestPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [step, setStep] = useState(0);
  const [patient, setPatient] = useState<{ card: VerifiedHealthCard; code: string }>();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const centres = useApiData<{ items: DiagnosticCentre[] }>('/diagnostic-centres');
  const panels = useApiData<{ items: LabPanel[] }>('/lab-panels');
  const english = i18n.language.startsWith('en');

  const kind = Form.useWatch('kind', form) ?? 'ecg';
  const consentBy = Form.useWatch('consentBy', form) ?? 'patient';
  const chosenPanels = Form.useWatch('panels', form) ?? [];
  const forKind = (centres.data?.items ?? []).filter((c) => c.kinds.includes(kind));
  const panelList = panels.data?.items ?? [];
  const containers = [
    ...new Set(panelList.filter((p) => chosenPanels.includes(p.code)).map((p) => p.container)),
  ];

  function chooseKind(next: RemoteKind) {
    const offered = (centres.data?.items ?? []).filter((c) => c.kinds.includes(next));
    const current = form.getFieldValue('centreId') as string | undefined;
    if (!offered.some((c) => c.id === current))
      form.setFieldValue('centreId', offered.length === 1 ? offered[0]?.id : undefined);
  }

  async function next() {
    if (step === 0) {
      if (patient) setStep(1);
      return;
    }
    try {
      await form.validateFields([...REQUEST_FIELDS]);
      setStep(2);
    } catch {
      // The fields show what is missing.
    }
  }

  async function submit() {
    if (!patient) return;
    let values: Values;
    try {
      await form.validateFields();
      values = form.getFieldsValue(true) as Values;
    } catch {
      return;
    }
    const body: CreateDiagnosticRequestBody = {
      patientId: patient.card.patientId,
      cardCode: patient.code,
      centreId: values.centreId ?? '',
      kind: values.kind,
      ...(values.kind === 'imaging' && values.modality ? { modality: values.modality } : {}),
      ...(values.kind === 'ecg' ? { modality: 'ECG' as const } : {}),
      ...(values.kind === 'lab' ? { panels: values.panels ?? [] } : {}),
      urgency: values.urgency,
      question: (values.question ?? '').trim(),
      ...(values.history?.trim() ? { history: values.history.trim() } : {}),
      consent: {
        by: values.consentBy,
        ...(values.consentBy === 'guardian'
          ? {
              guardianName: (values.guardianName ?? '').trim(),
              guardianRelation: (values.guardianRelation ?? '').trim(),
            }
          : {}),
        method: values.method,
        confirmed: values.confirmed === true,
      },
    };
    setSubmitting(true);
    setFailure(undefined);
    try {
      const created = await post<DiagnosticRequestView>('/diagnostic-requests', body);
      message.success(t('remoteRequests.new.created', { no: created.accessionNo }));
      navigate(`../${created.id}`);
    } catch (error) {
      setFailure(error);
    } finally {
      setSubmitting(false);
    }
  }

  const required = (field: string) => ({
    required: true,
    message: t('remoteRequests.new.required', { field }),
  });

  return (
    <div className="staff-page rr-page" data-testid="remote-request-new-page">
      <Button type="text" icon={<ArrowLeftOutlined aria-hidden />} onClick={() => navigate('..')}>
        {t('remoteRequests.common.back')}
      </Button>
      <Card variant="borderless" title={<CardHeading>{t('remoteRequests.new.title')}</CardHeading>}>
        <Steps
          className="rr-steps"
          current={step}
          items={[
            { title: t('remoteRequests.new.stepPatient') },
            { title: t('remoteRequests.new.stepRequest') },
            { title: t('remoteRequests.new.stepConsent') },
          ]}
        />

        <div hidden={step !== 0} data-testid="remote-step-patient">
          <IdentifyPatient patient={patient} onIdentified={setPatient} />
        </div>

        <Form<Values>
          form={form}
          layout="vertical"
          className="rr-form"
          initialValues={{ kind: 'ecg', urgency: 'routine', consentBy: 'patient', method: 'written' }}
          requiredMark
        >
          <div hidden={step !== 1} data-testid="remote-step-request">
            {patient && (
              <Typography.Paragraph>
                <strong>{patient.card.name}</strong> {sexAgeText(patient.card, t)}
              </Typography.Paragraph>
            )}
            <Form.Item
              name="kind"
              label={t('remoteRequests.new.kind')}
              rules={[required(t('remoteRequests.new.kind'))]}
            >
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                onChange={(event) => chooseKind(event.target.value as RemoteKind)}
                options={REMOTE_KINDS.map((k) => ({ value: k, label: t(`remoteRequests.kind.${k}`) }))}
              />
            </Form.Item>
            <Form.Item
              name="centreId"
              label={t('remoteRequests.new.centre')}
              rules={[{ required: true, message: t('remoteRequests.new.chooseCentre') }]}
              extra={
                centres.data && forKind.length === 0 ? (
                  <span className="rr-warning">{t('remoteRequests.new.noCentres')}</span>
                ) : undefined
              }
            >
              <Select
                placeholder={t('remoteRequests.new.centrePlaceholder')}
                loading={!centres.data && centres.error === undefined}
                options={forKind.map((c) => ({
                  value: c.id,
                  label: c.name,
                  agreement: t('remoteRequests.new.agreement', { no: c.agreementNo, date: c.validTo }),
                }))}
                optionRender={(option) => (
                  <div className="rr-centre-option">
                    <div>{option.data.label}</div>
                    <div className="rr-muted">{option.data.agreement}</div>
                  </div>
                )}
                data-testid="remote-centre"
              />
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(a, b) => a.centreId !== b.centreId}>
              {() => {
                const chosen = forKind.find((c) => c.id === form.getFieldValue('centreId'));
                return chosen ? (
                  <Typography.Paragraph
                    type="secondary"
                    className="rr-agreement"
                    data-testid="remote-agreement"
                  >
                    {t('remoteRequests.new.agreement', { no: chosen.agreementNo, date: chosen.validTo })}
                  </Typography.Paragraph>
                ) : null;
              }}
            </Form.Item>
            {kind === 'imaging' && (
              <Form.Item
                name="modality"
                label={t('remoteRequests.new.modality')}
                rules={[{ required: true, message: t('remoteRequests.new.chooseModality') }]}
              >
                <Radio.Group
                  options={IMAGING_MODALITIES.map((m) => ({
                    value: m,
                    label: t(`remoteRequests.modality.${m}`),
                  }))}
                />
              </Form.Item>
            )}
            {kind === 'lab' && (
              <Form.Item
                name="panels"
                label={t('remoteRequests.new.panels')}
                rules={[
                  { required: true, type: 'array', min: 1, message: t('remoteRequests.new.choosePanels') },
                ]}
                extra={
                  containers.length > 0
                    ? t('remoteRequests.new.containers', { containers: containers.join('、') })
                    : undefined
                }
              >
                <Select
                  mode="multiple"
                  placeholder={t('remoteRequests.new.panelsPlaceholder')}
                  loading={!panels.data && panels.error === undefined}
                  optionFilterProp="label"
                  options={panelList.map((p) => ({
                    value: p.code,
                    label: `${english ? p.nameEn : p.name}（${p.container}）`,
                  }))}
                  data-testid="remote-panels"
                />
              </Form.Item>
            )}
            <Form.Item
              name="urgency"
              label={t('remoteRequests.new.urgency')}
              extra={t('remoteRequests.new.urgentHint')}
            >
              <Radio.Group
                optionType="button"
                options={URGENCIES.map((u) => ({ value: u, label: t(`remoteRequests.urgency.${u}`) }))}
              />
            </Form.Item>
            <Form.Item
              name="question"
              label={t('remoteRequests.new.question')}
              rules={[
                required(t('remoteRequests.new.question')),
                { min: 2, whitespace: true, message: t('remoteRequests.new.questionLength') },
              ]}
            >
              <Input.TextArea
                rows={2}
                maxLength={500}
                showCount
                placeholder={t('remoteRequests.new.questionPlaceholder')}
              />
            </Form.Item>
            <Form.Item name="history" label={t('remoteRequests.new.history')}>
              <Input.TextArea
                rows={4}
                maxLength={2000}
                showCount
                placeholder={t('remoteRequests.new.historyPlaceholder')}
              />
            </Form.Item>
          </div>

          <div hidden={step !== 2} data-testid="remote-step-consent">
            <Form.Item name="consentBy" label={t('remoteRequests.new.consentBy')}>
              <Radio.Group
                options={[
                  { value: 'patient', label: t('remoteRequests.new.byPatient') },
                  { value: 'guardian', label: t('remoteRequests.new.byGuardian') },
                ]}
              />
            </Form.Item>
            {consentBy === 'guardian' && (
              <Space wrap align="start" size="large">
                <Form.Item
                  name="guardianName"
                  label={t('remoteRequests.new.guardianName')}
                  rules={[required(t('remoteRequests.new.guardianName')), { whitespace: true }]}
                >
                  <Input maxLength={40} />
                </Form.Item>
                <Form.Item
                  name="guardianRelation"
                  label={t('remoteRequests.new.guardianRelation')}
                  rules={[required(t('remoteRequests.new.guardianRelation')), { whitespace: true }]}
                >
                  <Input maxLength={20} placeholder={t('remoteRequests.new.guardianRelationPlaceholder')} />
                </Form.Item>
              </Space>
            )}
            <Form.Item name="method" label={t('remoteRequests.new.method')}>
              <Radio.Group
                options={[
                  { value: 'written', label: t('remoteRequests.new.written') },
                  { value: 'electronic', label: t('remoteRequests.new.electronic') },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="confirmed"
              valuePropName="checked"
              rules={[
                {
                  validator: (_, value) =>
                    value === true
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('remoteRequests.new.confirmRequired'))),
                },
              ]}
            >
              <Checkbox data-testid="remote-consent-confirm">{t('remoteRequests.new.confirm')}</Checkbox>
            </Form.Item>
          </div>
        </Form>

        {failure !== undefined && (
          <Alert
            type="error"
            showIcon
            className="rr-page-alert"
            title={errorText(failure, t)}
            data-testid="remote-submit-failure"
          />
        )}

        <div className="rr-step-actions">
          {step > 0 && <Button onClick={() => setStep(step - 1)}>{t('remoteRequests.new.previous')}</Button>}
          {step < 2 ? (
            <Button
              type="primary"
              onClick={() => void next()}
              disabled={step === 0 && !patient}
              data-testid="remote-next"
            >
              {t('remoteRequests.new.next')}
            </Button>
          ) : (
            <Button
              type="primary"
              loading={submitting}
              onClick={() => void submit()}
              data-testid="remote-submit"
            >
              {t('remoteRequests.new.submit')}
            </Button>
          )}
          <Button onClick={() => navigate('..')} autoInsertSpace={false}>
            {t('remoteRequests.new.cancel')}
          </Button>
        </div>
      </Card>
    </div>
  );
}
