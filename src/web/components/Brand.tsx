import { useTranslation } from 'react-i18next';

/** The cross mark and the product name; `compact` drops the subtitle (sider, phone header). */
export function Brand({ compact = false, light = false }: { compact?: boolean; light?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className={`brand${light ? ' brand--light' : ''}`}>
      <img className="brand__logo" src="/favicon.svg" alt="" width={36} height={36} />
      <div className="brand__text">
        <div className="brand__name">{t('app.brand')}</div>
        {!compact && <div className="brand__subtitle">{t('app.subtitle')}</div>}
      </div>
    </div>
  );
}
