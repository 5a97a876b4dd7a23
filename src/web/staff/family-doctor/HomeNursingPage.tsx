import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HomeServiceView } from '../../../shared/family-doctor.js';
import { CardHeading } from '../records/captioned.js';
import { HomeServiceDrawer } from './HomeServiceDrawer.js';
import { HomeServiceList } from './HomeServiceList.js';
import { usePaged } from './parts.js';
import '../records/records.css';
import './family-doctor.css';

type Box = 'open' | 'mine' | 'all';

/** One box of orders, paged; the nursing page and the workstation's 上门服务 tab both use it. */
export function HomeServiceBox({ box, onlyCategories }: { box: Box; onlyCategories?: string[] }) {
  const { t } = useTranslation();
  const list = usePaged<HomeServiceView>(`/home-services?box=${box}&limit=20`);
  const [openId, setOpenId] = useState<string | null>(null);
  const shown = onlyCategories
    ? { ...list, items: list.items.filter((s) => onlyCategories.includes(s.item.category)) }
    : list;
  return (
    <div data-testid={`home-services-${box}`}>
      <div className="fd-toolbar fd-toolbar--end">
        <Button icon={<ReloadOutlined aria-hidden />} onClick={list.reload}>
          {t('fdStaff.common.refresh')}
        </Button>
      </div>
      <HomeServiceList
        list={shown}
        caption={t(`fdStaff.nursing.box.${box}`)}
        emptyText={t(`fdStaff.nursing.empty.${box}`)}
        onOpen={(s) => setOpenId(s.id)}
      />
      <HomeServiceDrawer serviceId={openId} onClose={() => setOpenId(null)} onChanged={list.reload} />
    </div>
  );
}

/**
 * 互联网+护理 (/clinic/nursing, nurses; FD-5, FD-9): 待接单 at my institution, 我的工单 and 全部. Taking a
 * nursing order needs ≥5 years and 护师 or above (the server refuses otherwise, NURSE_NOT_QUALIFIED, and
 * the refusal's detail is shown as it is); at the door the client's code and the position check the nurse in.
 */
export function HomeNursingPage() {
  const { t } = useTranslation();
  const [box, setBox] = useState<Box>('open');
  return (
    <div className="staff-page fd-page" data-testid="home-nursing">
      <Card variant="borderless" title={<CardHeading>{t('fdStaff.nursing.title')}</CardHeading>}>
        <Typography.Paragraph type="secondary">{t('fdStaff.nursing.intro')}</Typography.Paragraph>
        <Tabs
          activeKey={box}
          onChange={(key) => setBox(key as Box)}
          destroyOnHidden
          items={(['open', 'mine', 'all'] as const).map((key) => ({
            key,
            label: <span data-testid={`nursing-tab-${key}`}>{t(`fdStaff.nursing.box.${key}`)}</span>,
            children: <HomeServiceBox box={key} />,
          }))}
        />
      </Card>
    </div>
  );
}
