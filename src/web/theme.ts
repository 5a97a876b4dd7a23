import type { ThemeConfig } from 'antd';

/** The brand colour: a calm clinical teal, used by antd and antd-mobile alike (5.1:1 under white text, WCAG AA). */
export const BRAND_COLOR = '#0c7a7c';

export const antdTheme: ThemeConfig = {
  token: {
    colorPrimary: BRAND_COLOR,
    colorInfo: BRAND_COLOR,
    borderRadius: 8,
    // WCAG AA (4.5:1) for secondary and description text on white; antd's default greys are 3.4:1.
    colorTextSecondary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Segoe UI', Roboto, sans-serif",
  },
  components: {
    Layout: { headerBg: '#ffffff', siderBg: '#0b2e3a', headerPadding: '0 24px' },
    Menu: {
      darkItemBg: '#0b2e3a',
      darkSubMenuItemBg: '#0b2e3a',
      darkItemSelectedBg: BRAND_COLOR,
    },
  },
};
