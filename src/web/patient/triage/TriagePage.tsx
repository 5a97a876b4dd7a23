import { Button, TextArea, Toast } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { TRIAGE_MAX_CHARS, type TriageBody, type TriageResult } from '../../../shared/triage.js';
import { post } from '../../api.js';
import { errorText } from '../../errors.js';
import { type PatientChoice, PatientSwitch } from '../booking/PatientSwitch.js';
import { PageHeader } from '../PageHeader.js';
import './triage.css';

// The Web Speech API's recogniser: Chrome and Safari expose it prefixed; not in TypeScript's DOM types.
interface Recognition {
  lang: string;
  interimResults: boolean;
  onresult: ((e: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void) | null;
  onerror: (() => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
}
type RecognitionCtor = new () => Recognition;
function recogniser(): RecognitionCtor | undefined {
  const w = window as unknown as {
    SpeechRecognition?: RecognitionCtor;
    webkitSpeechRecognition?: RecognitionCtor;
  };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition;
}

/**
 * 智能导诊 (/patient/triage): the complaint typed or dictated, for the current 就诊人 (their age and sex
 * adjust the suggestion on the server). A red flag shows the 120 banner before anything else; otherwise
 * departments with reasons, each opening that department's doctors.
 */
export function TriagePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [who, setWho] = useState<PatientChoice>();
  const [text, setText] = useState('');
  const [result, setResult] = useState<TriageResult>();
  const [pending, setPending] = useState(false);
  const [listening, setListening] = useState(false);
  const recognition = useRef<Recognition | null>(null);
  const Speech = recogniser();

  useEffect(() => () => recognition.current?.stop(), []);

  function dictate() {
    if (!Speech) return;
    if (listening) {
      recognition.current?.stop();
      return;
    }
    const r = new Speech();
    r.lang = 'zh-CN';
    r.interimResults = false;
    r.onresult = (e) => {
      const said = Array.from(e.results)
        .map((alt) => alt[0]?.transcript ?? '')
        .join('');
      setText((before) => (before + said).slice(0, TRIAGE_MAX_CHARS));
    };
    r.onerror = () => Toast.show({ content: t('triage.voiceFailed') });
    r.onend = () => setListening(false);
    recognition.current = r;
    setListening(true);
    r.start();
  }

  async function submit() {
    setPending(true);
    try {
      const body: TriageBody = { text, ...(who?.patientId ? { patientId: who.patientId } : {}) };
      setResult(await post<TriageResult>('/triage', body));
    } catch (failure) {
      Toast.show({ content: errorText(failure, t), duration: 3000 });
    } finally {
      setPending(false);
    }
  }

  const suicidal = result?.redFlags.some((f) => f.id === 'suicidal');
  return (
    <div className="patient-page triage-page" data-testid="triage-page">
      <PageHeader title={t('triage.title')} back="/patient" />
      <div className="triage-body" data-testid="triage-body">
        {result?.redFlag && (
          <section className="triage-emergency" role="alert" data-testid="triage-emergency">
            <h2 className="triage-emergency__title">{t('triage.emergencyTitle')}</h2>
            <p className="triage-emergency__advice">{result.redFlags.map((f) => f.label).join('；')}</p>
            <a className="triage-call" href="tel:120" data-testid="call-120">
              {t('triage.call120')}
            </a>
            {suicidal && (
              <a className="triage-call triage-call--secondary" href="tel:12356">
                {t('triage.call12356')}
              </a>
            )}
          </section>
        )}
        <p className="patient-page__intro">{t('triage.intro')}</p>
        <div className="triage-section">
          <h2 className="triage-section__title">{t('triage.patient')}</h2>
          <PatientSwitch value={who} onChange={setWho} />
        </div>
        <div className="triage-section">
          <label className="triage-section__title" htmlFor="triage-text">
            {t('triage.label')}
          </label>
          <TextArea
            id="triage-text"
            className="triage-text"
            value={text}
            onChange={setText}
            placeholder={t('triage.placeholder')}
            maxLength={TRIAGE_MAX_CHARS}
            rows={4}
            showCount={(n) => <span className="triage-count">{t('triage.count', { n })}</span>}
          />
          <div className="triage-actions">
            {Speech && (
              <Button className="triage-voice" fill="outline" color="primary" onClick={dictate}>
                {listening ? t('triage.listening') : t('triage.voice')}
              </Button>
            )}
            <Button
              className="triage-submit"
              color="primary"
              loading={pending}
              disabled={text.trim() === ''}
              onClick={submit}
            >
              {t('triage.submit')}
            </Button>
          </div>
        </div>
        {result && (
          <section className="triage-section" data-testid="triage-result" aria-live="polite">
            {!result.redFlag && <p className="triage-advice">{result.advice}</p>}
            <h2 className="triage-section__title">{t('triage.suggested')}</h2>
            <ul className="triage-departments">
              {result.departments.map((d) => {
                const bookable = d.institutionId && d.departmentId;
                const body = (
                  <>
                    <span className="triage-dept__head">
                      <span className="triage-dept__name">{d.name}</span>
                      <span className="triage-dept__score">
                        {t('triage.score', { pct: Math.round(d.score * 100) })}
                      </span>
                    </span>
                    <span className="triage-dept__reason">{d.reason}</span>
                    <span className="triage-dept__where">
                      {bookable
                        ? `${d.institutionName ?? ''} · ${t('triage.tapToBook')}`
                        : t('triage.notInRegion')}
                    </span>
                  </>
                );
                return (
                  <li key={d.name}>
                    {bookable ? (
                      <button
                        type="button"
                        className="triage-dept"
                        data-testid="triage-department"
                        onClick={() => navigate(`/patient/book/${d.institutionId}/${d.departmentId}`)}
                      >
                        {body}
                      </button>
                    ) : (
                      <div className="triage-dept triage-dept--static" data-testid="triage-department">
                        {body}
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        )}
        <p className="triage-disclaimer">{t('triage.disclaimer')}</p>
        <p className="triage-disclaimer">{t('triage.privacy')}</p>
      </div>
    </div>
  );
}
