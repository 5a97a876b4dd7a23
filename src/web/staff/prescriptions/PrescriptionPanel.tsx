import { EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Select, Spin, Typography } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { Page } from '../../../shared/http.js';
import type { Created, PrescriptionSummary, PrescriptionView } from '../../../shared/prescriptions.js';
import type { VisitView } from '../../../shared/visits.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDateTime } from '../../format.js';
import { CheckList } from './CheckList.js';
import { PrescriptionEditor } from './PrescriptionEditor.js';
import { PdfButton, PrescriptionSheet, ReviewOutcome, SignatureBlock } from './PrescriptionSheet.js';
import { canPrescribe } from './prescribing.js';
import './prescriptions.css';

/** While a prescription waits for the pharmacist, the panel looks again this often. */
const POLL_MS = 15_000;
const NEW = 'new';

/** The prescription shown first: the newest that is still live (not superseded or cancelled). */
function defaultSelection(items: readonly PrescriptionSummary[]): string | undefined {
  const live = items.find((p) => p.status !== 'superseded' && p.status !== 'cancelled');
  return (live ?? items[0])?.id;
}

/** A signed prescription, read-only, with what the doctor can do with it: the PDF, a revision. */
function SignedView({ view, onRevised }: { view: PrescriptionView; onRevised(id: string): void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const revisable = view.status === 'rejected' && !view.replacedById;

  function revise() {
    modal.confirm({
      title: t('rxStaff.sheet.reviseTitle'),
      content: t('rxStaff.sheet.reviseConfirm'),
      okText: t('rxStaff.sheet.revise'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          const created = await post<Static<typeof Created>>(`/prescriptions/${view.id}/revise`);
          message.success(t('rxStaff.sheet.revised'));
          onRevised(created.id);
        } catch (failure) {
          message.error(errorText(failure, t));
        }
      },
    });
  }

  return (
    <div className="rx-panel__scroll">
      <ReviewOutcome view={view} />
      {revisable && (
        <Button
          type="primary"
          icon={<EditOutlined aria-hidden />}
          onClick={revise}
          className="rx-panel__revise"
          data-testid="prescription-revise"
        >
          {t('rxStaff.sheet.revise')}
        </Button>
      )}
      <PrescriptionSheet view={view} />
      <SignatureBlock view={view} />
      {view.signedAt && (
        <div className="rx-panel__pdf">
          <PdfButton prescriptionId={view.id} />
        </div>
      )}
      <div className="rx-panel__checks">
        <Typography.Text strong>{t('rxStaff.checks.precheck')}</Typography.Text>
        <CheckList checks={view.checks} foldPassed label={t('rxStaff.checks.precheck')} />
      </div>
    </div>
  );
}

/** One prescription of the visit: a draft opens in the editor, anything else read-only. */
function Selected({ visit, id, onChanged }: { visit: VisitView; id: string; onChanged(id: string): void }) {
  const { t } = useTranslation();
  const view = useApiData<PrescriptionView>(`/prescriptions/${id}`);
  const reload = view.reload;
  const waiting = view.data?.status === 'pending_review';

  useEffect(() => {
    if (!waiting) return;
    const timer = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(timer);
  }, [waiting, reload]);

  if (view.error) return <Alert type="error" className="rx-panel__alert" title={errorText(view.error, t)} />;
  if (!view.data) return <Spin className="staff-page__spin" />;
  if (view.data.status === 'draft') {
    return (
      <PrescriptionEditor
        key={view.data.id}
        visit={visit}
        draft={view.data}
        onSaved={() => onChanged(id)}
        onSigned={() => {
          onChanged(id);
          reload();
        }}
      />
    );
  }
  return <SignedView view={view.data} onRevised={onChanged} />;
}

/**
 * 处方 in the visit workspace: the visit's prescriptions (each version of a revised one), the one chosen
 * — written in the editor while a draft, read-only once signed — and a new one while the visit may still
 * carry prescriptions (VISIT-6: follow-up or pilot first visit, in progress or within 24 h after).
 */
export function PrescriptionPanel({ visit }: { visit: VisitView }) {
  const { t, i18n } = useTranslation();
  const list = useApiData<Page<PrescriptionSummary>>(`/prescriptions?visitId=${visit.id}&limit=50`);
  const [selected, setSelected] = useState<string>();
  const allowed = canPrescribe(visit);
  const items = [...(list.data?.items ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const shown = selected ?? defaultSelection(items) ?? (allowed && list.data ? NEW : undefined);

  function changed(id: string) {
    setSelected(id);
    list.reload();
  }

  let body: ReactNode;
  if (list.error) {
    body = <Alert type="error" className="rx-panel__alert" title={errorText(list.error, t)} />;
  } else if (!list.data) {
    body = <Spin className="staff-page__spin" />;
  } else if (shown === NEW) {
    body = <PrescriptionEditor key={NEW} visit={visit} onSaved={changed} onSigned={changed} />;
  } else if (shown) {
    body = <Selected key={shown} visit={visit} id={shown} onChanged={changed} />;
  } else {
    const why =
      visit.type !== 'follow_up' && visit.type !== 'first_visit'
        ? 'notAllowed'
        : visit.status === 'completed'
          ? 'closed'
          : 'notStarted';
    body = (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        className="rx-panel__empty"
        description={t(`rxStaff.panel.${why}`)}
      />
    );
  }

  return (
    <Card
      size="small"
      className="record rx-panel"
      data-testid="prescription-panel"
      title={<span className="record__title">{t('rxStaff.panel.title')}</span>}
      extra={
        <span className="rx-panel__extra">
          <Button
            type="text"
            size="small"
            icon={<ReloadOutlined aria-hidden />}
            onClick={list.reload}
            aria-label={t('rxStaff.review.refresh')}
          />
          {allowed && items.length > 0 && shown !== NEW && (
            <Button
              size="small"
              icon={<PlusOutlined aria-hidden />}
              onClick={() => setSelected(NEW)}
              data-testid="prescription-new"
            >
              {t('rxStaff.panel.new')}
            </Button>
          )}
        </span>
      }
    >
      {items.length > 1 || (items.length > 0 && shown === NEW) ? (
        <div className="rx-panel__versions">
          <Select
            size="small"
            className="full-width"
            aria-label={t('rxStaff.panel.versions')}
            value={shown}
            onChange={(value: string) => setSelected(value)}
            data-testid="prescription-versions"
            options={[
              ...(shown === NEW ? [{ value: NEW, label: t('rxStaff.panel.new') }] : []),
              ...items.map((p) => ({
                value: p.id,
                label: [
                  p.drugs.join('、'),
                  t('rxStaff.panel.version', { version: p.version }),
                  t(`rxStaff.status.${p.status}`),
                  formatDateTime(p.createdAt, i18n.language),
                ].join(' · '),
              })),
            ]}
          />
        </div>
      ) : null}
      {body}
    </Card>
  );
}
