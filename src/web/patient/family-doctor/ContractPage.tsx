/**
 * 签约协议: the agreement as signed (its text and SM3 digest), the contract's term, packages and fee split,
 * and 解约 with a reason (FD-1). Terminating is confirmed in a dialog; the team is told by the server.
 */
import { Button, Dialog, Popup, Selector, TextArea, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { ContractView } from '../../../shared/family-doctor.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { formatYuan } from '../../format.js';
import { Card, ContractBadgeTag, Frame, ProblemNote, Waiting } from './FdParts.js';
import { fdPath, formatFullDate, formatInstant, isOpenContract, useFdPatient } from './fd.js';

const REASONS = ['moved', 'switch', 'unsatisfied', 'other'] as const;

interface Agreement {
  contractId: string;
  text: string;
  sm3: string;
  signedAt: string | null;
}

/** 解约: a reason chosen (or written), then confirmed. */
function Terminate({ contract, onDone }: { contract: ContractView; onDone(): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<(typeof REASONS)[number]>('moved');
  const [other, setOther] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const text = reason === 'other' ? other.trim() : t(`fdResident.terminate.reason.${reason}`);

  async function submit() {
    const ok = await Dialog.confirm({
      title: t('fdResident.terminate.confirmTitle'),
      content: t('fdResident.terminate.confirmContent', { team: contract.team.name }),
      confirmText: t('fdResident.terminate.confirm'),
      cancelText: t('fdResident.terminate.keep'),
    });
    if (!ok) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await post(`/family-doctor/contracts/${contract.id}/terminate`, { reason: text });
      setOpen(false);
      Toast.show({ icon: 'success', content: t('fdResident.terminate.done') });
      onDone();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className="patient-page__actions">
        <Button block color="danger" fill="outline" onClick={() => setOpen(true)} data-testid="fd-terminate">
          {t('fdResident.terminate.button')}
        </Button>
      </div>
      <Popup visible={open} onMaskClick={() => setOpen(false)} bodyClassName="fd-sheet">
        <h2 className="fd-sheet__title" id="fd-terminate-title">
          {t('fdResident.terminate.title')}
        </h2>
        <p className="fd-muted">{t('fdResident.terminate.intro')}</p>
        <fieldset className="fd-fieldset" aria-labelledby="fd-terminate-title">
          <legend className="fd-sr-only">{t('fdResident.terminate.reasonLabel')}</legend>
          <Selector
            columns={2}
            value={[reason]}
            onChange={(v) => v[0] && setReason(v[0])}
            options={REASONS.map((r) => ({ value: r, label: t(`fdResident.terminate.reason.${r}`) }))}
            data-testid="fd-terminate-reason"
          />
        </fieldset>
        {reason === 'other' && (
          <>
            <label className="fd-label" htmlFor="fd-terminate-other">
              {t('fdResident.terminate.otherLabel')}
            </label>
            <TextArea
              id="fd-terminate-other"
              className="fd-textarea"
              value={other}
              onChange={setOther}
              maxLength={200}
              rows={3}
              data-testid="fd-terminate-other"
            />
          </>
        )}
        <ProblemNote error={failure} />
        <div className="fd-actions">
          <Button
            block
            color="danger"
            size="large"
            loading={busy}
            disabled={text.length < 2}
            onClick={submit}
            data-testid="fd-terminate-submit"
          >
            {t('fdResident.terminate.submit')}
          </Button>
          <Button block fill="none" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </Button>
        </div>
      </Popup>
    </>
  );
}

export function ContractPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const patient = useFdPatient();
  const { data: contract, error } = useApiData<ContractView>(`/family-doctor/contracts/${id}`);
  const agreement = useApiData<Agreement>(`/family-doctor/contracts/${id}/agreement`);
  const lang = i18n.language;
  const back = fdPath('', patient.chosen);

  return (
    <Frame title={t('fdResident.titles.agreement')} back={back} testId="fd-contract" patient={patient}>
      {!contract ? (
        <Waiting error={error} />
      ) : (
        <>
          <Card
            id="contract-facts"
            title={t('fdResident.contract.title')}
            extra={<ContractBadgeTag contract={contract} />}
          >
            <dl className="fd-facts">
              <div>
                <dt>{t('fdResident.contract.no')}</dt>
                <dd className="fd-mono" data-testid="fd-contract-no">
                  {contract.contractNo}
                </dd>
              </div>
              <div>
                <dt>{t('fdResident.contract.signee')}</dt>
                <dd>{contract.patientName}</dd>
              </div>
              <div>
                <dt>{t('fdResident.contract.team')}</dt>
                <dd>
                  {contract.team.name} · {contract.team.institutionName}
                </dd>
              </div>
              <div>
                <dt>{t('fdResident.contract.term')}</dt>
                <dd>
                  {t('fdResident.contract.termValue', {
                    from: formatFullDate(contract.startsOn, lang),
                    to: formatFullDate(contract.endsOn, lang),
                    years: contract.years,
                  })}
                </dd>
              </div>
              <div>
                <dt>{t('fdResident.contract.packages')}</dt>
                <dd>{contract.packages.map((p) => p.name).join(t('fdResident.common.separator'))}</dd>
              </div>
              <div>
                <dt>{t('fdResident.sign.split.fee')}</dt>
                <dd>{formatYuan(contract.feeFen)}</dd>
              </div>
              <div>
                <dt>{t('fdResident.sign.split.insurance')}</dt>
                <dd>{formatYuan(contract.insuranceFen)}</dd>
              </div>
              <div>
                <dt>{t('fdResident.sign.split.publicHealth')}</dt>
                <dd>{formatYuan(contract.publicHealthFen)}</dd>
              </div>
              <div>
                <dt>{t('fdResident.sign.split.resident')}</dt>
                <dd>{formatYuan(contract.residentFen)}</dd>
              </div>
              {contract.signedAt && (
                <div>
                  <dt>{t('fdResident.contract.signedAt')}</dt>
                  <dd>{formatInstant(contract.signedAt, lang)}</dd>
                </div>
              )}
              {contract.terminatedAt && (
                <div>
                  <dt>{t('fdResident.contract.terminatedAt')}</dt>
                  <dd>
                    {formatInstant(contract.terminatedAt, lang)}
                    {contract.terminateReason ? ` · ${contract.terminateReason}` : ''}
                  </dd>
                </div>
              )}
            </dl>
          </Card>
          <Card id="agreement" title={t('fdResident.sign.agreementTitle')}>
            {agreement.data ? (
              <>
                <div className="fd-agreement fd-agreement--full" data-testid="fd-agreement-body">
                  {agreement.data.text}
                </div>
                <p className="fd-muted fd-mono">
                  {t('fdResident.contract.sm3', { hash: agreement.data.sm3 })}
                </p>
              </>
            ) : (
              <Waiting error={agreement.error} />
            )}
          </Card>
          {isOpenContract(contract.status) && (
            <Terminate contract={contract} onDone={() => navigate(back, { replace: true })} />
          )}
        </>
      )}
    </Frame>
  );
}
