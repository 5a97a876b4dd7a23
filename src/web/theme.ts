import type { ThemeConfig } from 'antd';

/** The brand colour: a calm clinical teal, used by antd and antd-mobile alike. */
export const BRAND_COLOR = '#0f8b8d';

export const antdTheme: ThemeConfig = {
  token: {
    colorPrimary: BRAND_COLOR,
    colorInfo: BRAND_COLOR,
    borderRadius: 8,
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
