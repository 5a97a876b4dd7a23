import { Button, Dialog, Input, SwipeAction, Tag, Toast } from 'antd-mobile';
import { AddOutline } from 'antd-mobile-icons';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import type { Page } from '../../shared/http.js';
import type { CodeSent, Dependent } from '../../shared/identity.js';
import { del, get, post } from '../api.js';
import { useMe } from '../auth.js';
import { useCountdown } from '../components/useCountdown.js';
import { errorText } from '../errors.js';
import { Loadable } from './Loadable.js';
import { PageHeader } from './PageHeader.js';
import { useGoVerify } from './RealNamePage.js';
import './wording.css';
import './dependents.css';

const RESEND_SECONDS = 60;

/** What the add form hands back: the demo SMS code sent to a new adult dependent, by dependent id. */
export interface DependentsLocationState {
  devCodes?: Record<string, string>;
}

function ConfirmDialog({
  dependent,
  devCode,
  onClose,
  onConfirmed,
}: {
  dependent: Dependent | null;
  devCode?: string;
  onClose(): void;
  onConfirmed(item: Dependent): void;
}) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [resentCode, setResentCode] = useState<string>();
  const [secondsLeft, startCountdown] = useCountdown();
  const hint = resentCode ?? devCode;

  async function resend() {
    if (!dependent) return;
    try {
      const result = await post<CodeSent>(`/me/dependents/${dependent.id}/resend`);
      setResentCode(result.devCode);
      startCountdown(RESEND_SECONDS);
      Toast.show({ content: t('login.otpSent') });
    } catch (error) {
      Toast.show({ content: errorText(error, t), duration: 3000 });
    }
  }

  async function confirm() {
    if (!dependent) return;
    try {
      const item = await post<Dependent>(`/me/dependents/${dependent.id}/confirm`, { code: code.trim() });
      Toast.show({ icon: 'success', content: t('patient.dependents.confirmed') });
      setCode('');
      onConfirmed(item);
    } catch (error) {
      Toast.show({ content: errorText(error, t), duration: 3000 });
    }
  }

  return (
    <Dialog
      visible={dependent !== null}
      title={t('patient.dependents.confirmTitle')}
      onClose={onClose}
      content={
        <div className="confirm-dialog">
          <p>{t('patient.dependents.confirmDesc', { name: dependent?.name ?? '' })}</p>
          <Input
            className="confirm-dialog__input"
            value={code}
            onChange={setCode}
            placeholder={t('patient.dependents.codePlaceholder')}
            maxLength={6}
            inputMode="numeric"
            autoFocus
            data-testid="confirm-code"
          />
          <button
            type="button"
            className="link-button confirm-dialog__resend"
            disabled={secondsLeft > 0}
            onClick={resend}
            data-testid="confirm-resend"
          >
            {secondsLeft > 0 ? t('login.resendIn', { seconds: secondsLeft }) : t('patient.dependents.resend')}
          </button>
          {hint && (
            <p className="dev-code-hint" data-testid="dev-code-hint">
              {t('login.devCodeHint', { code: hint })}
            </p>
          )}
        </div>
      }
      actions={[
        [
          { key: 'cancel', text: t('common.cancel'), onClick: onClose },
          { key: 'confirm', text: t('common.confirm'), bold: true, disabled: !code.trim(), onClick: confirm },
        ],
      ]}
    />
  );
}

function DependentCard({ item, onConfirm }: { item: Dependent; onConfirm(): void }) {
  const { t } = useTranslation();
  const pending = item.status === 'pending_confirmation';
  return (
    <div className="dependent-card" data-testid="dependent-item">
      <div className="dependent-card__head">
        <span className="dependent-card__name">{item.name}</span>
        <Tag color="primary" fill="outline">
          {t(`patient.relationship.${item.relationship}`)}
        </Tag>
        {item.isMinor && (
          <Tag color="default" fill="outline">
            {t('patient.dependents.minor')}
          </Tag>
        )}
        <Tag className="dependent-card__status" color={pending ? 'warning' : 'success'} data-testid="status">
          {pending ? t('patient.dependents.pending') : t('patient.dependents.active')}
        </Tag>
      </div>
      <div className="dependent-card__meta">
        <span>{item.idNumber}</span>
        <span>{t('patient.dependents.age', { count: item.age })}</span>
        <span>{t(`patient.sex.${item.sex}`)}</span>
      </div>
      {pending && !item.isMinor && (
        <div className="dependent-card__pending">
          <span>{t('patient.dependents.pendingHint')}</span>
          <Button size="small" color="primary" fill="outline" onClick={onConfirm} data-testid="confirm-open">
            {t('patient.dependents.confirmAction')}
          </Button>
        </div>
      )}
    </div>
  );
}

/** 本人 heads the list: one's own name, ID and real-name state (the account's own patient record). */
function SelfCard() {
  const { t } = useTranslation();
  const me = useMe();
  const goVerify = useGoVerify();
  return (
    <div className="dependent-card dependent-self" data-testid="dependent-self">
      <div className="dependent-card__head">
        <span className="dependent-card__name">{me.name || me.phone}</span>
        <Tag color="primary" fill="outline">
          {t('wording.dependents.self')}
        </Tag>
        <Tag className="dependent-card__status" color={me.realNameVerified ? 'success' : 'warning'}>
          {me.realNameVerified ? t('patient.home.verified') : t('wording.dependents.selfUnverified')}
        </Tag>
      </div>
      {me.realNameVerified ? (
        <div className="dependent-card__meta">
          <span>{me.idNumber}</span>
          {me.sex && <span>{t(`patient.sex.${me.sex}`)}</span>}
        </div>
      ) : (
        <div className="dependent-card__pending">
          <span>{t('patient.home.verifyTip')}</span>
          <Button size="small" color="primary" fill="outline" onClick={goVerify} data-testid="self-verify">
            {t('wording.dependents.goVerify')}
          </Button>
        </div>
      )}
    </div>
  );
}

export function DependentsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const devCodes = (location.state as DependentsLocationState | null)?.devCodes ?? {};
  const [items, setItems] = useState<Dependent[]>();
  const [confirming, setConfirming] = useState<Dependent | null>(null);

  const load = useCallback(() => {
    get<Page<Dependent>>('/me/dependents').then(
      (page) => setItems(page.items),
      (error) => {
        setItems([]);
        Toast.show({ content: errorText(error, t) });
      },
    );
  }, [t]);

  useEffect(load, [load]);

  async function remove(item: Dependent) {
    const ok = await Dialog.confirm({
      content: t('patient.dependents.removeConfirm', { name: item.name }),
      confirmText: t('patient.dependents.remove'),
      cancelText: t('common.cancel'),
    });
    if (!ok) return;
    try {
      await del(`/me/dependents/${item.id}`);
      Toast.show({ content: t('patient.dependents.removed') });
      load();
    } catch (error) {
      Toast.show({ content: errorText(error, t) });
    }
  }

  return (
    <div className="patient-page" data-testid="dependents-page">
      <PageHeader title={t('patient.dependents.title')} back="/patient" />
      <SelfCard />
      <Loadable
        items={items}
        empty={t('patient.dependents.empty')}
        emptyDesc={t('patient.dependents.emptyDesc')}
      >
        {(list) => (
          <div className="dependent-list">
            {list.map((item) => (
              <SwipeAction
                key={item.id}
                rightActions={[
                  {
                    key: 'remove',
                    text: t('patient.dependents.remove'),
                    color: 'danger',
                    onClick: () => remove(item),
                  },
                ]}
              >
                <DependentCard item={item} onConfirm={() => setConfirming(item)} />
              </SwipeAction>
            ))}
          </div>
        )}
      </Loadable>
      <p className="patient-page__footnote">{t('patient.dependents.limitHint')}</p>
      <div className="patient-page__actions">
        <Button block color="primary" size="large" onClick={() => navigate('/patient/dependents/new')}>
          <AddOutline /> {t('patient.dependents.add')}
        </Button>
      </div>
      <ConfirmDialog
        dependent={confirming}
        devCode={confirming ? devCodes[confirming.id] : undefined}
        onClose={() => setConfirming(null)}
        onConfirmed={(item) => {
          setConfirming(null);
          setItems((list) => list?.map((d) => (d.id === item.id ? item : d)));
        }}
      />
    </div>
  );
}
