import { NavBar } from 'antd-mobile';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';

/** Title bar of a page below the tabs; `back` is where the arrow goes (not history, which may be empty). */
export function PageHeader({ title, back, right }: { title: string; back: string; right?: ReactNode }) {
  const navigate = useNavigate();
  return (
    <NavBar className="patient-navbar" onBack={() => navigate(back)} right={right}>
      {title}
    </NavBar>
  );
}
