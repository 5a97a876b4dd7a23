/**
 * 签约 / 续约 / 更换团队 (FD-1, FD-2, FD-3): the packages (one basic package, others where eligible), the term
 * (1, 2 or 3 years), the fee and its split (医保基金 / 公卫经费 / 个人支付), the agreement text, the signer's
 * SMS code, then the resident's part paid at the cashier.
 *
 * `?team=&institution=`: a new contract with that team. `?renew=<contract>`: renew it (with `team=`: switch
 * to that team at renewal). `?contract=<id>`: finish signing a contract made before (pending signature).
 */
import { Button, Checkbox, Input, Selector, Toast } from 'antd-mobile';
import { CheckCircleFill } from 'antd-mobile-icons';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type {
  ContractCodeSent,
  ContractView,
  CreatedContract,
  MyFamilyDoctor,
  PackageList,
  TeamList,
} from '../../../shared/family-doctor.js';
import { get, post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { useCountdown } from '../../components/useCountdown.js';
import { errorText } from '../../errors.js';
import { formatYuan } from '../../format.js';
import { goToCashier } from '../booking/payment.js';
import { Card, Frame, ProblemNote, Waiting } from './FdParts.js';
import { fdPath, formatFullDate, initialSelection, toggleSelection, useFdPatient } from './fd.js';
import { FeeTable, PackagePicker } from './SignParts.js';

const RESEND_SECONDS = 60;
const YEARS = [1, 2, 3] as const;
/** The demo code of a contract made on this tab, so a page reload can still show it. */
const CODE_KEY = 'yunyi.fd.demoCode.';

interface Pending {
  contractId: string;
  agreementText: string;
  demoCode?: string;
  /** Everyone signed together (a family at once); the first is `contractId`. */
  contracts: ContractView[];
}

export function SignPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const patient = useFdPatient();
  const [params] = useSearchParams();
  const renewId = params.get('renew') ?? undefined;
  const resumeId = params.get('contract') ?? undefined;
  const teamParam = params.get('team') ?? undefined;
  const institutionParam = params.get('institution') ?? undefined;
  const overview = fdPath('', patient.chosen);

  const mine = useApiData<MyFamilyDoctor>(
    patient.patientId ? `/family-doctor/me?patientId=${patient.patientId}` : null,
  );
  const current = mine.data?.contract ?? null;
  // Finishing a contract made before (pending signature): the contract itself.
  const resumedData = useApiData<ContractView>(resumeId ? `/family-doctor/contracts/${resumeId}` : null);
  const resumed = resumedData.data?.status === 'pending_signature' ? resumedData.data : undefined;

  // The team: the one chosen (new or switch), else the current one (renewal), else the resumed contract's.
  const institutionId =
    institutionParam ?? (renewId ? current?.team.institutionId : resumed?.team.institutionId) ?? null;
  const teams = useApiData<TeamList>(
    institutionId ? `/family-doctor/teams?institutionId=${institutionId}` : null,
  );
  const teamId = teamParam ?? (renewId ? current?.team.id : resumed?.team.id);
  const team = teams.data?.items.find((x) => x.id === teamId);
  const switching = Boolean(renewId && teamParam && teamParam !== current?.team.id);

  const packages = useApiData<PackageList>(
    institutionId && patient.patientId
      ? `/family-doctor/packages?institutionId=${institutionId}&patientId=${patient.patientId}`
      : null,
  );
  const offered = useMemo(
    () => (packages.data?.items ?? []).filter((p) => p.status === 'active'),
    [packages.data],
  );

  const [selected, setSelected] = useState<string[] | null>(null);
  const [years, setYears] = useState<number>(1);
  const [pending, setPending] = useState<Pending | null>(null);
  const [code, setCode] = useState('');
  const [agreed, setAgreed] = useState(false);
  const [signed, setSigned] = useState<ContractView | null>(null);
  const [busy, setBusy] = useState<'code' | 'sign' | 'pay' | null>(null);
  const [failure, setFailure] = useState<unknown>();
  const [secondsLeft, startCountdown] = useCountdown();

  // The first choice: the basic package, and (renewing) the packages kept; the term of before.
  useEffect(() => {
    if (selected !== null || !packages.data) return;
    const keep = renewId && current ? current.packages.map((p) => p.packageId) : [];
    setSelected(initialSelection(offered, keep));
    if (renewId && current) setYears(current.years);
  }, [selected, packages.data, offered, renewId, current]);

  // Finishing a contract made before: its agreement, and the demo code if this tab asked for it.
  useEffect(() => {
    if (!resumed || pending) return;
    let live = true;
    get<{ text: string }>(`/family-doctor/contracts/${resumed.id}/agreement`)
      .then((agreement) => {
        if (!live) return;
        setPending({
          contractId: resumed.id,
          agreementText: agreement.text,
          demoCode: sessionStorage.getItem(CODE_KEY + resumed.id) ?? undefined,
          contracts: [resumed],
        });
        setYears(resumed.years);
        setSelected(resumed.packages.map((p) => p.packageId));
      })
      .catch((error) => live && setFailure(error));
    return () => {
      live = false;
    };
  }, [resumed, pending]);

  const chosen = selected ?? [];
  const hasBasic = offered.some((p) => p.group === 'basic' && chosen.includes(p.id));

  /** 获取验证码: the contract is made (or the renewal), the agreement shown and an SMS code sent. */
  async function requestCode() {
    if (!patient.patientId) return;
    setBusy('code');
    setFailure(undefined);
    try {
      if (pending) {
        // The same contract, a new SMS code (the first one expired or never came).
        const sent = await post<ContractCodeSent>(`/family-doctor/contracts/${pending.contractId}/code`);
        if (sent.demoCode) sessionStorage.setItem(CODE_KEY + pending.contractId, sent.demoCode);
        setPending({ ...pending, demoCode: sent.demoCode });
      } else {
        const created = renewId
          ? await post<CreatedContract>(`/family-doctor/contracts/${renewId}/renew`, {
              years,
              packageIds: chosen,
              ...(switching && teamParam ? { teamId: teamParam } : {}),
            })
          : await post<CreatedContract>('/family-doctor/contracts', {
              teamId: teamParam,
              packageIds: chosen,
              years,
              ...(patient.chosen ? { patientIds: [patient.chosen] } : {}),
            });
        if (created.demoCode) sessionStorage.setItem(CODE_KEY + created.id, created.demoCode);
        setPending({
          contractId: created.id,
          agreementText: created.agreementText,
          demoCode: created.demoCode,
          contracts: created.contracts,
        });
      }
      startCountdown(RESEND_SECONDS);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(null);
    }
  }

  /** 签约: the SMS code confirms the agreement; then the resident's part is paid (or nothing is due). */
  async function sign() {
    if (!pending) return;
    setBusy('sign');
    setFailure(undefined);
    try {
      const contract = await post<ContractView>(`/family-doctor/contracts/${pending.contractId}/sign`, {
        code: code.trim(),
      });
      sessionStorage.removeItem(CODE_KEY + pending.contractId);
      setSigned(contract);
      if (contract.status !== 'pending_payment' || !contract.orderId) {
        Toast.show({ icon: 'success', content: t('fdResident.sign.signedNoPay') });
        navigate(overview, { replace: true });
      }
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(null);
    }
  }

  async function pay() {
    if (!signed?.orderId) return;
    setBusy('pay');
    try {
      await goToCashier(signed.orderId, () => navigate(overview, { replace: true }));
    } catch (error) {
      Toast.show({ content: errorText(error, t) });
      navigate(overview, { replace: true });
    } finally {
      setBusy(null);
    }
  }

  const title = renewId
    ? switching
      ? t('fdResident.titles.switch')
      : t('fdResident.titles.renew')
    : t('fdResident.titles.sign');
  const back =
    renewId || resumeId
      ? overview
      : fdPath(`teams/${teamParam ?? ''}`, patient.chosen, {
          institution: institutionParam,
        });

  if (signed) {
    return (
      <Frame title={title} back={overview} testId="fd-sign" patient={patient}>
        <section className="booking-card fd-signed" aria-labelledby="fd-signed-title" data-testid="fd-signed">
          <CheckCircleFill className="fd-signed__icon" aria-hidden />
          <h2 className="fd-signed__title" id="fd-signed-title">
            {t('fdResident.sign.signedTitle')}
          </h2>
          <p className="fd-text">
            {t('fdResident.sign.signedPay', {
              team: signed.team.name,
              amount: formatYuan(signed.residentFen),
            })}
          </p>
          <Button
            block
            color="primary"
            size="large"
            loading={busy === 'pay'}
            onClick={pay}
            data-testid="fd-sign-pay"
          >
            {t('fdResident.sign.pay', { amount: formatYuan(signed.residentFen) })}
          </Button>
          <Button block fill="none" onClick={() => navigate(overview, { replace: true })}>
            {t('fdResident.sign.payLater')}
          </Button>
        </section>
      </Frame>
    );
  }

  const resumeWaiting =
    Boolean(resumeId) &&
    !pending &&
    failure === undefined &&
    resumedData.error === undefined &&
    (resumedData.data === undefined || resumedData.data.status === 'pending_signature');
  const loading = !mine.data || (institutionId && (!teams.data || !packages.data)) || resumeWaiting;
  if (resumeId && resumedData.data && resumedData.data.status !== 'pending_signature') {
    return (
      <Frame title={title} back={overview} testId="fd-sign" patient={patient}>
        <p className="patient-page__intro" data-testid="fd-sign-done-before">
          {t('fdResident.sign.alreadySigned', { status: t(`fdResident.status.${resumedData.data.status}`) })}
        </p>
        <div className="patient-page__actions">
          <Button block color="primary" onClick={() => navigate(overview, { replace: true })}>
            {t('fdResident.sign.backOverview')}
          </Button>
        </div>
      </Frame>
    );
  }
  if (loading || !institutionId) {
    return (
      <Frame title={title} back={back} testId="fd-sign" patient={patient}>
        {loading ? (
          <Waiting error={mine.error ?? teams.error ?? packages.error ?? resumedData.error ?? failure} />
        ) : (
          <p className="patient-page__intro">{t('fdResident.sign.noTeam')}</p>
        )}
      </Frame>
    );
  }

  const locked = pending !== null;
  const members = (pending?.contracts.length ?? 0) > 1 ? pending!.contracts.map((c) => c.patientName) : null;

  return (
    <Frame title={title} back={back} testId="fd-sign" patient={patient}>
      <Card id="sign-team" title={t('fdResident.sign.teamTitle')}>
        <dl className="fd-facts">
          <div>
            <dt>{t('fdResident.sign.signee')}</dt>
            <dd data-testid="fd-signee">
              {members ? members.join(t('fdResident.common.separator')) : patient.name}
            </dd>
          </div>
          <div>
            <dt>{t('fdResident.sign.team')}</dt>
            <dd data-testid="fd-sign-team-name">{team?.name ?? resumed?.team.name ?? current?.team.name}</dd>
          </div>
          <div>
            <dt>{t('fdResident.sign.institution')}</dt>
            <dd>{team?.institutionName ?? resumed?.team.institutionName ?? current?.team.institutionName}</dd>
          </div>
          {team && (
            <div>
              <dt>{t('fdResident.sign.lead')}</dt>
              <dd>{team.lead.name}</dd>
            </div>
          )}
          {renewId && current && (
            <div>
              <dt>{t('fdResident.sign.startsAfter')}</dt>
              <dd>{formatFullDate(current.endsOn, i18n.language)}</dd>
            </div>
          )}
        </dl>
      </Card>

      <Card id="sign-packages" title={t('fdResident.sign.packagesTitle')}>
        <p className="fd-muted">{t('fdResident.sign.packagesHint')}</p>
        <PackagePicker
          packages={offered}
          selected={chosen}
          locked={locked}
          onToggle={(id) => setSelected(toggleSelection(offered, chosen, id))}
        />
      </Card>

      <Card id="sign-years" title={t('fdResident.sign.yearsTitle')}>
        {locked ? (
          <p className="fd-text" data-testid="fd-years-chosen">
            <strong>{t('fdResident.sign.years', { count: years })}</strong>
          </p>
        ) : (
          <Selector
            className="fd-years"
            columns={3}
            value={[years]}
            onChange={(v) => v[0] && setYears(v[0])}
            options={YEARS.map((y) => ({ value: y, label: t('fdResident.sign.years', { count: y }) }))}
            data-testid="fd-years"
          />
        )}
      </Card>

      <Card id="sign-fee" title={t('fdResident.sign.feeTitle')}>
        <FeeTable packages={offered} selected={chosen} years={years} />
        <p className="fd-muted">{t('fdResident.sign.feeNote')}</p>
      </Card>

      <Card id="sign-agreement" title={t('fdResident.sign.agreementTitle')}>
        {pending ? (
          <div className="fd-agreement" data-testid="fd-agreement-text">
            {pending.agreementText}
          </div>
        ) : (
          <p className="fd-muted">{t('fdResident.sign.agreementAfterCode')}</p>
        )}
      </Card>

      <Card id="sign-confirm" title={t('fdResident.sign.confirmTitle')}>
        <label className="fd-label" htmlFor="fd-sign-code">
          {t('fdResident.sign.code')}
        </label>
        <div className="fd-code-row">
          <Input
            id="fd-sign-code"
            className="fd-input"
            value={code}
            onChange={setCode}
            inputMode="numeric"
            maxLength={8}
            autoComplete="one-time-code"
            placeholder={t('fdResident.sign.codePlaceholder')}
            disabled={!pending}
            data-testid="fd-sign-code"
          />
          <Button
            color="primary"
            fill="outline"
            loading={busy === 'code'}
            disabled={secondsLeft > 0 || !hasBasic}
            onClick={requestCode}
            data-testid="fd-send-code"
          >
            {secondsLeft > 0
              ? t('fdResident.sign.resendIn', { seconds: secondsLeft })
              : t('fdResident.sign.sendCode')}
          </Button>
        </div>
        <p className="fd-muted">{t('fdResident.sign.codeHint')}</p>
        {pending?.demoCode && (
          <p className="fd-demo-code" data-testid="fd-demo-code">
            {t('fdResident.sign.demoCode', { code: pending.demoCode })}
          </p>
        )}
        <Checkbox
          className="fd-agree"
          checked={agreed}
          onChange={setAgreed}
          disabled={!pending}
          data-testid="fd-agree"
        >
          {t('fdResident.sign.agree')}
        </Checkbox>
        <ProblemNote error={failure} testId="fd-sign-problem" />
        <Button
          block
          color="primary"
          size="large"
          className="fd-submit"
          loading={busy === 'sign'}
          disabled={!pending || !agreed || code.trim().length < 4}
          onClick={sign}
          data-testid="fd-sign-submit"
        >
          {t('fdResident.sign.submit')}
        </Button>
      </Card>
    </Frame>
  );
}
