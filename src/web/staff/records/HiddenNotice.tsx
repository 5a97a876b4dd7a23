import { LockOutlined } from '@ant-design/icons';
import { Alert, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RecordCategory, Relationship } from '../../../shared/records.js';

/** A section the patient's authorisation does not cover (SEC-1): said in words, never just left out. */
export function HiddenNotice({ category }: { category: RecordCategory }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="info"
      showIcon
      icon={<LockOutlined aria-hidden />}
      className="rec-hidden"
      data-testid="hidden-category"
      data-category={category}
      title={t('recordsStaff.archive.hidden')}
      description={t('recordsStaff.archive.hiddenDetail', {
        category: t(`recordsStaff.category.${category}`),
      })}
    />
  );
}

const RELATIONSHIP_COLOUR: Record<Relationship, string> = {
  self: 'default',
  proxy: 'default',
  visit: 'geekblue',
  family_doctor: 'purple',
  referral: 'magenta',
  remote_consultation: 'magenta',
  authorisation: 'blue',
  break_glass: 'red',
};

/** 就诊 / 授权 / 紧急调阅: why the reader may read (the word says it; the colour only repeats it). */
export function RelationshipTag({ relationship }: { relationship: Relationship }) {
  const { t } = useTranslation();
  return (
    <Tag
      color={RELATIONSHIP_COLOUR[relationship]}
      data-testid="relationship"
      data-relationship={relationship}
    >
      {t(`recordsStaff.relationship.${relationship}`)}
    </Tag>
  );
}
