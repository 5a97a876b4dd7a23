import { Button, Checkbox, Dialog, Input, Radio, Space, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { Institution, Practitioner } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import {
  type AuthorisationCreate,
  type AuthorisationView,
  RECORD_CATEGORIES,
  type RecordCategory,
} from '../../../shared/records.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { categoriesText, PatientNote } from './RecordsParts.js';
import {
  chosenCategories,
  DURATION_PRESETS,
  expiryAfter,
  fullTime,
  isValidDays,
  MAX_GRANT_DAYS,
  withPatient,
} from './records.js';
import { useRecordsPatient } from './useRecordsPatient.js';
import './records.css';

type GranteeKind = 'practitioner' | 'institution';
interface Grantee {
  kind: GranteeKind;
  id: string;
  name: string;
  detail: string | null;
}

/** The typed keyword, sent once typing pauses. */
function useDebounced(value: string, ms = 300): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value.trim()), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

const doctorDetail = (d: Practitioner) =>
  `${d.professionalTitle} · ${d.department.name} · ${d.institution.name}`;

/** Step 1: a doctor (the directory's doctor search, as booking uses it) or an institution. */
function GranteePicker({
  value,
  onChange,
}: {
  value: Grantee | null;
  onChange(grantee: Grantee | null): void;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<GranteeKind>(value?.kind ?? 'practitioner');
  const [text, setText] = useState('');
  const q = useDebounced(text);
  const keyword = q ? `&q=${encodeURIComponent(q)}` : '';
  // Before a name is typed, a few to start from; the search finds the rest.
  const limit = q ? 20 : 8;
  const doctors = useApiData<Page<Practitioner>>(
    kind === 'practitioner' ? `/doctors?limit=${limit}${keyword}` : null,
  );
  const institutions = useApiData<Page<Institution>>(
    kind === 'institution' ? `/institutions?limit=${limit}${keyword}` : null,
  );
  const options: Grantee[] =
    kind === 'practitioner'
      ? (doctors.data?.items ?? []).map((d) => ({ kind, id: d.id, name: d.name, detail: doctorDetail(d) }))
      : (institutions.data?.items ?? [])
          // A pharmacy keeps no clinical records and reads none (SEC-1).
          .filter((i) => i.type !== 'pharmacy')
          .map((i) => ({ kind, id: i.id, name: i.name, detail: i.address }));
  const loaded = kind === 'practitioner' ? doctors.data : institutions.data;
  const error = kind === 'practitioner' ? doctors.error : institutions.error;

  return (
    <fieldset className="booking-card records-fieldset" data-testid="grant-grantee">
      <legend className="booking-card__title">{t('recordsPatient.grantForm.who')}</legend>
      <Radio.Group
        value={kind}
        onChange={(next) => {
          setKind(next as GranteeKind);
          onChange(null);
        }}
      >
        <Space direction="horizontal" wrap>
          <Radio value="practitioner" data-testid="grantee-kind-practitioner">
            {t('recordsPatient.grantee.practitioner')}
          </Radio>
          <Radio value="institution" data-testid="grantee-kind-institution">
            {t('recordsPatient.grantee.institution')}
          </Radio>
        </Space>
      </Radio.Group>
      <label className="records-label" htmlFor="grant-search">
        {kind === 'practitioner'
          ? t('recordsPatient.grantForm.searchDoctor')
          : t('recordsPatient.grantForm.searchInstitution')}
      </label>
      <Input
        id="grant-search"
        className="records-input"
        value={text}
        onChange={setText}
        clearable
        placeholder={
          kind === 'practitioner'
            ? t('recordsPatient.grantForm.searchDoctorPlaceholder')
            : t('recordsPatient.grantForm.searchInstitutionPlaceholder')
        }
        data-testid="grant-search"
      />
      <p className="records-chosen" role="status" data-testid="grantee-chosen">
        {value
          ? t('recordsPatient.grantForm.chosen', {
              name: value.name,
              detail: value.detail ? ` · ${value.detail}` : '',
            })
          : t('recordsPatient.grantForm.notChosen')}
      </p>
      <Loadable
        items={loaded ? options : undefined}
        error={error}
        empty={t('recordsPatient.grantForm.noMatch')}
      >
        {(items) => (
          <Radio.Group
            value={value?.id ?? null}
            onChange={(id) => onChange(items.find((o) => o.id === id) ?? null)}
          >
            <ul className="records-choices" aria-label={t('recordsPatient.grantForm.results')}>
              {items.map((o) => (
                <li key={o.id}>
                  <Radio value={o.id} block className="records-choice" data-testid="grantee-option">
                    <span className="records-choice__name">{o.name}</span>
                    {o.detail && <span className="records-muted records-choice__detail">{o.detail}</span>}
                  </Radio>
                </li>
              ))}
            </ul>
          </Radio.Group>
        )}
      </Loadable>
    </fieldset>
  );
}

/** 新增授权: to whom, which categories, for how long; confirmed before it is sent (SEC-1). */
export function GrantPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const patient = useRecordsPatient();
  const [grantee, setGrantee] = useState<Grantee | null>(null);
  const [scope, setScope] = useState<'all' | 'some'>('all');
  const [chosen, setChosen] = useState<RecordCategory[]>([]);
  const [duration, setDuration] = useState<string>('7');
  const [customDays, setCustomDays] = useState('14');
  const [pending, setPending] = useState(false);
  const back = withPatient('/patient/records/authorisations', patient.chosen);

  const days = duration === 'custom' ? Number(customDays) : Number(duration);
  const categories = chosenCategories(scope === 'all', chosen, RECORD_CATEGORIES);
  const problem = !grantee
    ? t('recordsPatient.grantForm.chooseGrantee')
    : categories !== null && categories.length === 0
      ? t('recordsPatient.grantForm.chooseCategory')
      : !isValidDays(days)
        ? t('recordsPatient.grantForm.daysInvalid', { max: MAX_GRANT_DAYS })
        : null;

  async function submit() {
    if (problem || !grantee) {
      Toast.show({ content: problem ?? '' });
      return;
    }
    const ok = await Dialog.confirm({
      title: t('recordsPatient.grantForm.confirmTitle'),
      content: (
        <div data-testid="grant-confirm">
          <p>
            {t('recordsPatient.grantForm.confirmText', {
              patient: patient.name,
              name: grantee.name,
              categories: categoriesText(categories, t),
              until: fullTime(expiryAfter(new Date(), days).toISOString()),
              days,
            })}
          </p>
          <p className="records-muted">{t('recordsPatient.grantForm.confirmNote')}</p>
        </div>
      ),
      confirmText: t('recordsPatient.grantForm.confirmOk'),
      cancelText: t('recordsPatient.common.cancel'),
    });
    if (!ok) return;
    setPending(true);
    try {
      const body: AuthorisationCreate = {
        ...(patient.isSelf ? {} : { patientId: patient.patientId }),
        ...(grantee.kind === 'practitioner' ? { practitionerId: grantee.id } : { institutionId: grantee.id }),
        categories,
        days,
      };
      await post<AuthorisationView>('/me/authorisations', body);
      Toast.show({ icon: 'success', content: t('recordsPatient.grantForm.done', { name: grantee.name }) });
      navigate(back);
    } catch (failure) {
      Toast.show({ content: errorText(failure, t), duration: 3000 });
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="patient-page records-page" data-testid="records-grant-new">
      <PageHeader title={t('recordsPatient.titles.grantNew')} back={back} />
      <PatientNote patient={patient} />
      <GranteePicker value={grantee} onChange={setGrantee} />

      <fieldset className="booking-card records-fieldset" data-testid="grant-scope">
        <legend className="booking-card__title">{t('recordsPatient.grantForm.what')}</legend>
        <Radio.Group value={scope} onChange={(v) => setScope(v as 'all' | 'some')}>
          <Space direction="vertical">
            <Radio value="all" data-testid="grant-scope-all">
              {t('recordsPatient.grantForm.allCategories')}
            </Radio>
            <Radio value="some" data-testid="grant-scope-some">
              {t('recordsPatient.grantForm.someCategories')}
            </Radio>
          </Space>
        </Radio.Group>
        {scope === 'some' && (
          <Checkbox.Group value={chosen} onChange={(v) => setChosen(v as RecordCategory[])}>
            <ul className="records-choices records-choices--inset">
              {RECORD_CATEGORIES.map((c) => (
                <li key={c}>
                  <Checkbox value={c} block className="records-choice" data-testid={`grant-category-${c}`}>
                    <span className="records-choice__name">{t(`recordsPatient.category.${c}`)}</span>
                    <span className="records-muted records-choice__detail">
                      {t(`recordsPatient.categoryDesc.${c}`)}
                    </span>
                  </Checkbox>
                </li>
              ))}
            </ul>
          </Checkbox.Group>
        )}
      </fieldset>

      <fieldset className="booking-card records-fieldset" data-testid="grant-duration">
        <legend className="booking-card__title">{t('recordsPatient.grantForm.howLong')}</legend>
        <Radio.Group value={duration} onChange={(v) => setDuration(String(v))}>
          <Space direction="horizontal" wrap>
            {DURATION_PRESETS.map((d) => (
              <Radio key={d} value={String(d)} data-testid={`grant-days-${d}`}>
                {t('recordsPatient.grantForm.days', { count: d })}
              </Radio>
            ))}
            <Radio value="custom" data-testid="grant-days-custom">
              {t('recordsPatient.grantForm.custom')}
            </Radio>
          </Space>
        </Radio.Group>
        {duration === 'custom' && (
          <div className="records-custom-days">
            <label className="records-label" htmlFor="grant-custom-days">
              {t('recordsPatient.grantForm.customLabel', { max: MAX_GRANT_DAYS })}
            </label>
            <Input
              id="grant-custom-days"
              className="records-input"
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_GRANT_DAYS}
              value={customDays}
              onChange={setCustomDays}
              data-testid="grant-custom-days"
            />
          </div>
        )}
        {isValidDays(days) && (
          <p className="records-muted" data-testid="grant-until">
            {t('recordsPatient.grantForm.until', {
              time: fullTime(expiryAfter(new Date(), days).toISOString()),
            })}
          </p>
        )}
      </fieldset>

      <div className="patient-page__actions">
        {problem && (
          <p className="records-muted records-problem" role="status">
            {problem}
          </p>
        )}
        <Button
          block
          color="primary"
          size="large"
          loading={pending}
          onClick={submit}
          data-testid="grant-submit"
        >
          {t('recordsPatient.grantForm.submit')}
        </Button>
      </div>
    </div>
  );
}
