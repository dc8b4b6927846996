import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage } from '../i18n';
import type { Language } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const value: Language = i18n.language === 'en' ? 'en' : currentLanguage();
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('lang.label')}
      data-testid="lang-switch"
      value={value}
      options={[
        { label: t('lang.zh'), value: 'zh-CN' },
        { label: t('lang.en'), value: 'en' },
      ]}
      onChange={(lang) => {
        void changeLanguage(lang);
      }}
    />
  );
}
