import type { ThemeConfig } from 'antd';

/** The brand colour: a calm clinical teal, used by antd and antd-mobile alike (5.1:1 under white text, WCAG AA). */
export const BRAND_COLOR = '#0c7a7c';

export const antdTheme: ThemeConfig = {
  token: {
    colorPrimary: BRAND_COLOR,
    colorInfo: BRAND_COLOR,
    // Hovered and pressed text (default buttons, links) stays ≥ 4.5:1: darker than the brand, where antd's
    // derived hover colour is lighter (#248a88, 4.1:1).
    colorPrimaryHover: '#0a6a6c',
    colorPrimaryActive: '#08585a',
    colorInfoHover: '#0a6a6c',
    colorInfoActive: '#08585a',
    colorLinkHover: '#0a6a6c',
    colorLinkActive: '#08585a',
    borderRadius: 8,
    // WCAG AA (4.5:1) for secondary and description text on white; antd's default greys are 3.4:1.
    colorTextSecondary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    // Status text (Typography type="success|danger|warning", danger buttons, form errors) ≥ 4.5:1 on white
    // and on its light status background; antd's #52c41a / #ff4d4f / #faad14 are 2.3 / 3.3 / 1.9:1.
    colorError: '#c81e28',
    // A hovered or pressed danger button darkens (antd's derived hover #d44246 is 4.49:1 under white).
    colorErrorHover: '#a8161f',
    colorErrorActive: '#8c1219',
    colorSuccessText: '#237804',
    colorErrorText: '#c81e28',
    colorWarningText: '#ad4e00',
    // Tag text colours (status and preset tags) are set in styles.css: antd derives a tag's light
    // background from the same seed, so a darker seed would turn the backgrounds grey instead.
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Segoe UI', Roboto, sans-serif",
  },
  components: {
    // The off switch is white text on colorTextQuaternary (#bfbfbf, 1.8:1): darkened to 4.7:1.
    Switch: { colorTextQuaternary: 'rgba(0, 0, 0, 0.55)', colorTextTertiary: 'rgba(0, 0, 0, 0.7)' },
    Layout: { headerBg: '#ffffff', siderBg: '#0b2e3a', headerPadding: '0 24px' },
    Menu: {
      darkItemBg: '#0b2e3a',
      darkSubMenuItemBg: '#0b2e3a',
      darkItemSelectedBg: BRAND_COLOR,
    },
  },
};
