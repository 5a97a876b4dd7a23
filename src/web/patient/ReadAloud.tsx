import { SoundOutline } from 'antd-mobile-icons';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';

/** Long texts are spoken in pieces: some engines stop a single long utterance after ~15 s. */
const PIECE = 120;

function pieces(text: string): string[] {
  const sentences = text
    .split(/(?<=[。！？!?；;\n])/u)
    .map((s) => s.trim())
    .filter(Boolean);
  const out: string[] = [];
  for (const s of sentences) {
    const last = out[out.length - 1];
    if (last !== undefined && last.length + s.length <= PIECE) out[out.length - 1] = `${last} ${s}`;
    else for (let i = 0; i < s.length; i += PIECE) out.push(s.slice(i, i + PIECE));
  }
  return out;
}

/** What the screen says, as a person reads it: the page's visible text without this bar. */
function screenText(): string {
  const root = document.querySelector<HTMLElement>('.patient-app') ?? document.body;
  const bar = document.querySelector<HTMLElement>('.read-aloud-bar')?.innerText ?? '';
  const text = root.innerText;
  return (text.startsWith(bar) ? text.slice(bar.length) : text).replace(/[ \t]+/g, ' ');
}

const supported = () => typeof window !== 'undefined' && 'speechSynthesis' in window;

/**
 * 长辈模式's 朗读: reads the current screen aloud in Chinese (Web Speech API, zh-CN voice); tapped again, stops.
 * Hidden where the browser has no speech synthesis.
 */
export function ReadAloudBar() {
  const { t, i18n } = useTranslation();
  const { pathname } = useLocation();
  const [speaking, setSpeaking] = useState(false);

  // A new page stops reading the old one.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `pathname` is the trigger.
  useEffect(() => {
    if (supported()) window.speechSynthesis.cancel();
    setSpeaking(false);
  }, [pathname]);
  useEffect(() => () => (supported() ? window.speechSynthesis.cancel() : undefined), []);

  if (!supported()) return null;

  function toggle() {
    const synth = window.speechSynthesis;
    if (speaking) {
      synth.cancel();
      setSpeaking(false);
      return;
    }
    synth.cancel();
    const lang = i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
    const voice = synth.getVoices().find((v) => v.lang.replace('_', '-').startsWith(lang));
    const parts = pieces(screenText());
    parts.forEach((part, i) => {
      const u = new SpeechSynthesisUtterance(part);
      u.lang = lang;
      u.rate = 0.9;
      if (voice) u.voice = voice;
      if (i === parts.length - 1) {
        u.onend = () => setSpeaking(false);
        u.onerror = () => setSpeaking(false);
      }
      synth.speak(u);
    });
    setSpeaking(parts.length > 0);
  }

  return (
    <div className="read-aloud-bar" data-testid="read-aloud-bar">
      <span className="read-aloud-bar__mode">{t('patientHome.elderly.on')}</span>
      <button
        type="button"
        className="read-aloud-bar__button"
        aria-pressed={speaking}
        onClick={toggle}
        data-testid="read-aloud"
      >
        <SoundOutline aria-hidden />
        {speaking ? t('patientHome.elderly.stopReading') : t('patientHome.elderly.readAloud')}
      </button>
    </div>
  );
}
