import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage, type Language, setLanguage } from '../i18n/index.js';

/** 中文 / English toggle for the antd pages (login and the staff consoles). */
export function LanguageSwitch({ className }: { className?: string }) {
  const { t } = useTranslation();
  return (
    <Segmented<Language>
      className={className}
      size="small"
      data-testid="lang-switch"
      aria-label={t('lang.label')}
      value={currentLanguage()}
      onChange={setLanguage}
      options={[
        { label: t('lang.zh'), value: 'zh-CN' },
        { label: t('lang.en'), value: 'en-US' },
      ]}
    />
  );
}
