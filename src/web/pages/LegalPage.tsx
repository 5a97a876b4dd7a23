import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { CONSENT_VERSION } from '../../shared/consent.js';
import './legal.css';

export type LegalDoc = 'terms' | 'privacy';

export function isLegalDoc(value: string | undefined): value is LegalDoc {
  return value === 'terms' || value === 'privacy';
}

/** The readable text of the user agreement or the privacy policy (SEC-1), at CONSENT_VERSION. */
export function LegalText({ doc, headingLevel = 1 }: { doc: LegalDoc; headingLevel?: 1 | 2 }) {
  const { t } = useTranslation();
  const Title = headingLevel === 1 ? 'h1' : 'h2';
  const Section = headingLevel === 1 ? 'h2' : 'h3';
  const sections = t(`wording.legal.${doc}.sections`, { returnObjects: true }) as {
    heading: string;
    body: string;
  }[];
  return (
    <article className="legal-text" data-testid={`legal-${doc}`}>
      <Title className="legal-text__title">{t(`wording.legal.${doc}.title`)}</Title>
      <p className="legal-text__version">{t('wording.legal.version', { version: CONSENT_VERSION })}</p>
      {sections.map((s) => (
        <section key={s.heading}>
          <Section className="legal-text__heading">{s.heading}</Section>
          <p className="legal-text__body">{s.body}</p>
        </section>
      ))}
    </article>
  );
}

/** /legal/terms and /legal/privacy: public pages, readable before signing up. */
export function LegalPage() {
  const { t } = useTranslation();
  const { doc } = useParams();
  const shown: LegalDoc = isLegalDoc(doc) ? doc : 'terms';
  return (
    <main className="legal-page">
      <nav className="legal-page__nav">
        <Link to="/login">{t('wording.legal.back')}</Link>
      </nav>
      <LegalText doc={shown} />
    </main>
  );
}
