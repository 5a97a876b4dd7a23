import { Button, Dialog, Form, Input, List, Toast } from 'antd-mobile';
import { DeleteOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, post } from '../../api.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { type PatientChoice, PatientSwitch } from '../booking/PatientSwitch.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { fullTime } from './rx.js';
import type { Allergy, AllergyList } from './types.js';
import './prescriptions.css';

interface FormValues {
  substance: string;
  reaction?: string;
}

/**
 * 过敏史: what the patient (or a family member they act for) is allergic to. Doctors' prescriptions are
 * checked against it (RX_ALLERGY_CONFLICT) and the pharmacist sees it when reviewing (RX-10).
 */
export function AllergiesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [patient, setPatient] = useState<PatientChoice>();
  const patientId = patient ? (patient.patientId ?? me.patientId) : undefined;
  const path = patientId ? `/patients/${patientId}/allergies` : null;
  const { data, error, reload } = useApiData<AllergyList>(path);
  const [form] = Form.useForm<FormValues>();
  const [pending, setPending] = useState(false);

  async function add(values: FormValues) {
    if (!path) return;
    setPending(true);
    try {
      const reaction = values.reaction?.trim();
      await post<Allergy>(path, { substance: values.substance.trim(), ...(reaction ? { reaction } : {}) });
      Toast.show({ icon: 'success', content: t('rxPatient.allergies.added') });
      form.resetFields();
      reload();
    } catch (failure) {
      Toast.show({ content: errorText(failure, t), duration: 3000 });
    } finally {
      setPending(false);
    }
  }

  async function remove(allergy: Allergy) {
    const ok = await Dialog.confirm({
      content: t('rxPatient.allergies.deleteConfirm', { substance: allergy.substance }),
      confirmText: t('rxPatient.allergies.delete'),
      cancelText: t('common.cancel'),
    });
    if (!ok || !path) return;
    try {
      await del(`${path}/${allergy.id}`);
      reload();
    } catch (failure) {
      Toast.show({ content: errorText(failure, t) });
    }
  }

  return (
    <div className="patient-page" data-testid="allergies-page">
      <PageHeader title={t('rxPatient.allergies.title')} back="/patient/mine" />
      <section className="booking-card">
        <PatientSwitch value={patient} onChange={setPatient} />
        <p className="rx-muted">{t('rxPatient.allergies.hint')}</p>
      </section>
      {path && (
        <Loadable items={data?.items} error={error} empty={t('rxPatient.allergies.none')}>
          {(items) => (
            <List className="patient-list" mode="card">
              {items.map((allergy) => (
                <List.Item
                  key={allergy.id}
                  description={
                    <span className="rx-allergy__reaction">
                      {allergy.reaction ? `${allergy.reaction} · ` : ''}
                      {fullTime(allergy.recordedAt)}
                    </span>
                  }
                  extra={
                    // One a doctor recorded stays until a doctor removes it (the prescribing checks use it).
                    allergy.recordedByDoctor ? (
                      <span className="rx-muted" data-testid="allergy-by-doctor">
                        {t('rxPatient.allergies.byDoctor')}
                      </span>
                    ) : (
                      <Button
                        size="small"
                        fill="none"
                        color="danger"
                        onClick={() => remove(allergy)}
                        aria-label={t('rxPatient.allergies.deleteLabel', { substance: allergy.substance })}
                        data-testid="allergy-delete"
                      >
                        <DeleteOutline />
                      </Button>
                    )
                  }
                  data-testid="allergy"
                >
                  {allergy.substance}
                </List.Item>
              ))}
            </List>
          )}
        </Loadable>
      )}
      <Form
        form={form}
        className="patient-form rx-form"
        mode="card"
        layout="vertical"
        onFinish={add}
        footer={
          <Button
            block
            type="submit"
            color="primary"
            size="large"
            loading={pending}
            disabled={!path}
            data-testid="allergy-submit"
          >
            {t('rxPatient.allergies.add')}
          </Button>
        }
      >
        <Form.Item
          name="substance"
          label={t('rxPatient.allergies.substance')}
          rules={[{ required: true, whitespace: true, message: t('rxPatient.allergies.substanceRequired') }]}
        >
          <Input
            placeholder={t('rxPatient.allergies.substancePlaceholder')}
            maxLength={50}
            clearable
            data-testid="allergy-substance"
          />
        </Form.Item>
        <Form.Item name="reaction" label={t('rxPatient.allergies.reaction')}>
          <Input
            placeholder={t('rxPatient.allergies.reactionPlaceholder')}
            maxLength={200}
            clearable
            data-testid="allergy-reaction"
          />
        </Form.Item>
      </Form>
    </div>
  );
}
