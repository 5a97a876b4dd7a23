import { NavBar } from 'antd-mobile';
import { LeftOutline } from 'antd-mobile-icons';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';

/** Title bar of a page below the tabs; `back` is where the arrow goes (not history, which may be empty). */
export function PageHeader({ title, back, right }: { title: string; back: string; right?: ReactNode }) {
  const navigate = useNavigate();
  const { t } = useTranslation();
  return (
    <NavBar
      className="patient-navbar"
      onBack={() => navigate(back)}
      // The arrow is the back button's only content: it carries the button's accessible name.
      backIcon={<LeftOutline role="img" aria-label={t('common.back')} />}
      right={right}
    >
      {title}
    </NavBar>
  );
}
