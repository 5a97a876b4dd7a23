import { LeftOutline } from 'antd-mobile-icons';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
// antd-mobile's NavBar look, without its markup: its left area is a div with role="button" wrapped around
// a clickable div, which a keyboard cannot reach and axe reports as nested-interactive.
import 'antd-mobile/es/components/nav-bar/nav-bar.css';

/**
 * Title bar of a page below the tabs; `back` is where the arrow goes (not history, which may be empty).
 * The title is the page's h1; the back arrow is a real button named 返回 (classes as antd-mobile's NavBar,
 * so its look and the selectors on it stay).
 */
export function PageHeader({ title, back, right }: { title: string; back: string; right?: ReactNode }) {
  const navigate = useNavigate();
  const { t } = useTranslation();
  return (
    <header className="adm-nav-bar patient-navbar">
      <div className="adm-nav-bar-left">
        <button
          type="button"
          className="adm-nav-bar-back patient-navbar__back"
          aria-label={t('common.back')}
          onClick={() => navigate(back)}
        >
          <span className="adm-nav-bar-back-arrow">
            <LeftOutline aria-hidden />
          </span>
        </button>
      </div>
      <h1 className="adm-nav-bar-title patient-navbar__title">{title}</h1>
      <div className="adm-nav-bar-right">{right}</div>
    </header>
  );
}
