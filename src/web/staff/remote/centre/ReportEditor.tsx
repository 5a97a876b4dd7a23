import {
  AlertFilled,
  FilePdfOutlined,
  SafetyCertificateFilled,
  SafetyCertificateOutlined,
  SaveOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Form,
  type FormInstance,
  Input,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DiagnosticRequestDetail, SaveReportBody } from '../../../../shared/remote.js';
import { getBlob, post } from '../../../api.js';
import { describeError, errorText } from '../../../errors.js';
import { formatDateTime } from '../../../format.js';
import { LabResultsTable } from './LabResultsForm.js';

export interface ReportFormValues {
  findings: string;
  conclusion: string;
  recommendations: string;
  critical: boolean;
  criticalNote: string;
}

/** The form's values as the draft the API takes (empty optional text left out). */
function draftBody(values: ReportFormValues, measurements: Record<string, unknown> | null): SaveReportBody {
  const recommendations = values.recommendations?.trim();
  const criticalNote = values.criticalNote?.trim();
  return {
    findings: values.findings?.trim() ?? '',
    conclusion: values.conclusion?.trim() ?? '',
    ...(recommendations ? { recommendations } : {}),
    critical: values.critical === true,
    ...(values.critical && criticalNote ? { criticalNote } : {}),
    ...(measurements ? { measurements } : {}),
  };
}

/**
 * The structured report (REMOTE-4): 检查所见, 诊断意见, 建议 and the 危急值 switch. 保存草稿 replaces the
 * draft — with the switch on it alerts the requesting doctor at once; 签名并签发 saves, then signs with the
 * reader's SM2 certificate after a confirmation. A refusal (REPORT_INCOMPLETE, NOT_CLAIMANT,
 * READER_NOT_QUALIFIED…) is shown with the server's own title and detail.
 */
export function ReportEditor({
  request,
  form,
  measurements,
  onChanged,
}: {
  request: DiagnosticRequestDetail;
  form: FormInstance<ReportFormValues>;
  measurements: Record<string, unknown> | null;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [busy, setBusy] = useState<'save' | 'sign'>();
  const [problem, setProblem] = useState<unknown>();
  const critical = Form.useWatch('critical', form);
  const report = request.report;
  const alreadyCritical = request.criticalAlert !== null;

  async function save(): Promise<boolean> {
    try {
      await form.validateFields(['findings', 'recommendations', 'critical', 'criticalNote']);
    } catch {
      return false;
    }
    const values = form.getFieldsValue(true) as ReportFormValues;
    await post(`/diagnostic-requests/${request.id}/report`, draftBody(values, measurements));
    return true;
  }

  async function onSave() {
    setBusy('save');
    setProblem(undefined);
    try {
      const raisedNow = form.getFieldValue('critical') === true && !alreadyCritical;
      if (await save()) {
        message.success(t(raisedNow ? 'remoteCentre.report.savedCritical' : 'remoteCentre.report.saved'));
        onChanged();
      }
    } catch (failure) {
      setProblem(failure);
    } finally {
      setBusy(undefined);
    }
  }

  async function onSign() {
    setProblem(undefined);
    try {
      await form.validateFields();
    } catch {
      return;
    }
    modal.confirm({
      title: t('remoteCentre.report.signTitle'),
      icon: <SafetyCertificateOutlined aria-hidden />,
      content: t('remoteCentre.report.signContent'),
      okText: t('remoteCentre.report.signOk'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        setBusy('sign');
        try {
          // What is on screen is what is signed: the draft is saved first.
          if (!(await save())) return;
          await post(`/diagnostic-requests/${request.id}/sign`);
          message.success(t('remoteCentre.report.signed'));
        } catch (failure) {
          setProblem(failure);
        } finally {
          setBusy(undefined);
          onChanged();
        }
      },
    });
  }

  const shown = problem === undefined ? undefined : describeError(problem, t);
  return (
    <Form<ReportFormValues>
      form={form}
      layout="vertical"
      className="rc-report"
      data-testid="report-editor"
      initialValues={{
        findings: report?.findings ?? '',
        conclusion: report?.conclusion ?? '',
        recommendations: report?.recommendations ?? '',
        critical: report?.critical ?? false,
        criticalNote: report?.criticalNote ?? '',
      }}
    >
      {report && (
        <Typography.Paragraph type="secondary" className="rc-sub">
          {t('remoteCentre.report.draftBy', { name: report.authorName })}
        </Typography.Paragraph>
      )}
      <Form.Item name="findings" label={t('remoteCentre.report.findings')}>
        <Input.TextArea
          autoSize={{ minRows: 4, maxRows: 14 }}
          maxLength={8000}
          data-testid="report-findings"
        />
      </Form.Item>
      <Form.Item
        name="conclusion"
        label={t('remoteCentre.report.conclusion')}
        rules={[{ required: true, whitespace: true, message: t('remoteCentre.report.conclusionRequired') }]}
      >
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 8 }}
          maxLength={4000}
          data-testid="report-conclusion"
        />
      </Form.Item>
      <Form.Item name="recommendations" label={t('remoteCentre.report.recommendations')}>
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 6 }}
          maxLength={4000}
          data-testid="report-recommendations"
        />
      </Form.Item>
      <div className={critical ? 'rc-critical rc-critical--on' : 'rc-critical'}>
        <Form.Item
          name="critical"
          label={t('remoteCentre.report.critical')}
          valuePropName="checked"
          className="rc-critical__switch"
        >
          <Switch
            checkedChildren={t('remoteCentre.report.criticalOn')}
            unCheckedChildren={t('remoteCentre.report.criticalOff')}
            data-testid="report-critical"
          />
        </Form.Item>
        {critical && (
          <>
            {!alreadyCritical && (
              <Alert
                type="error"
                showIcon
                icon={<AlertFilled aria-hidden />}
                className="rc-alert"
                title={t('remoteCentre.report.criticalWarning')}
                data-testid="critical-warning"
              />
            )}
            <Form.Item
              name="criticalNote"
              label={t('remoteCentre.report.criticalNote')}
              rules={[
                { required: true, whitespace: true, message: t('remoteCentre.report.criticalNoteRequired') },
              ]}
            >
              <Input
                maxLength={500}
                placeholder={t('remoteCentre.report.criticalNotePlaceholder')}
                data-testid="report-critical-note"
              />
            </Form.Item>
          </>
        )}
      </div>
      {shown && (
        <Alert
          type="error"
          showIcon
          role="alert"
          className="rc-alert"
          title={shown.title}
          description={shown.detail}
          data-testid="report-problem"
        />
      )}
      <Space wrap>
        <Button
          icon={<SaveOutlined aria-hidden />}
          loading={busy === 'save'}
          disabled={busy === 'sign'}
          onClick={onSave}
          data-testid="report-save"
        >
          {t('remoteCentre.report.save')}
        </Button>
        <Button
          type="primary"
          icon={<SafetyCertificateOutlined aria-hidden />}
          loading={busy === 'sign'}
          disabled={busy === 'save'}
          onClick={onSign}
          data-testid="report-sign"
        >
          {t('remoteCentre.report.sign')}
        </Button>
      </Space>
    </Form>
  );
}

/** A report as it stands, read-only: the signed one with signer, time, certificate and 打印报告. */
export function SignedReport({ request }: { request: DiagnosticRequestDetail }) {
  const { t, i18n } = useTranslation();
  const report = request.report;
  if (!report) return null;
  const signed = report.status === 'signed';
  return (
    <div className="rc-report rc-report--read" data-testid="report-view" data-report-status={report.status}>
      <div className="rc-report__status">
        {signed ? (
          <Tag color="success" icon={<SafetyCertificateFilled aria-hidden />} data-testid="report-signed">
            {t('remoteCentre.report.signedBadge')}
          </Tag>
        ) : (
          <Tag>{t('remoteCentre.report.readOnly')}</Tag>
        )}
        {report.critical && (
          <Tag color="error" variant="solid" icon={<AlertFilled aria-hidden />}>
            {t('remoteCentre.report.critical')}
          </Tag>
        )}
        {signed && report.archiveReportId && <PdfButton archiveReportId={report.archiveReportId} />}
      </div>
      <Descriptions
        size="small"
        bordered
        column={1}
        styles={{ label: { width: 140 } }}
        items={[
          {
            key: 'findings',
            label: t('remoteCentre.report.findings'),
            children: (
              <span className="rc-prewrap" data-testid="report-view-findings">
                {report.findings || '—'}
              </span>
            ),
          },
          {
            key: 'conclusion',
            label: t('remoteCentre.report.conclusion'),
            children: (
              <strong className="rc-prewrap" data-testid="report-view-conclusion">
                {report.conclusion || '—'}
              </strong>
            ),
          },
          {
            key: 'recommendations',
            label: t('remoteCentre.report.recommendations'),
            children: <span className="rc-prewrap">{report.recommendations || '—'}</span>,
          },
          ...(report.critical
            ? [
                {
                  key: 'critical',
                  label: t('remoteCentre.report.criticalNote'),
                  children: report.criticalNote ?? '—',
                },
              ]
            : []),
          ...(signed
            ? [
                {
                  key: 'signer',
                  label: t('remoteCentre.report.signedBy'),
                  children: (
                    <span data-testid="report-signer">
                      {report.authorName}
                      {report.authorTitle ? `（${report.authorTitle}）` : ''}
                    </span>
                  ),
                },
                {
                  key: 'signedAt',
                  label: t('remoteCentre.report.signedAt'),
                  children: report.signedAt ? formatDateTime(report.signedAt, i18n.language) : '—',
                },
                {
                  key: 'cert',
                  label: t('remoteCentre.report.certificate'),
                  children: <span className="rc-mono">{report.certificateSerial ?? '—'}</span>,
                },
              ]
            : []),
        ]}
      />
      {request.kind === 'lab' && report.results.length > 0 && <LabResultsTable results={report.results} />}
    </div>
  );
}

/** 打印报告: the signed report's PDF, opened in a new tab (the API needs the bearer token, a link cannot). */
function PdfButton({ archiveReportId }: { archiveReportId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [loading, setLoading] = useState(false);
  async function open() {
    setLoading(true);
    try {
      const blob = await getBlob(`/diagnostic-reports/${archiveReportId}/pdf`);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.target = '_blank';
      link.rel = 'noopener';
      link.click();
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (failure) {
      message.error(`${t('remoteCentre.report.pdfFailed')}：${errorText(failure, t)}`);
    } finally {
      setLoading(false);
    }
  }
  return (
    <Button icon={<FilePdfOutlined aria-hidden />} onClick={open} loading={loading} data-testid="report-pdf">
      {t('remoteCentre.report.print')}
    </Button>
  );
}
