import { SendOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  type ButtonProps,
  Empty,
  Form,
  List,
  Modal,
  Select,
  Spin,
  Tag,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import {
  type ArticleView,
  PACKAGE_GROUPS,
  type PushResult,
  type TeamView,
} from '../../../shared/family-doctor.js';
import { post } from '../../api.js';
import { errorText } from '../../errors.js';
import { dateTime, usePaged } from './parts.js';

interface Values {
  teamId: string;
  audiences: string[];
}

/** A group's name where it has one (the audiences are package groups and conditions), else the code. */
function audienceLabel(code: string, t: TFunction) {
  return t(`fdStaff.group.${code}`, { defaultValue: code });
}

/**
 * 健康教育: the articles, and pushing one to my team's contracted residents of some groups or conditions
 * (the residents read it in the app; read receipts count on the assessment page).
 */
export function EducationTab({ teams, teamId }: { teams: TeamView[]; teamId?: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const articles = usePaged<ArticleView>('/family-doctor/articles?limit=20');
  const [article, setArticle] = useState<ArticleView | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const [form] = Form.useForm<Values>();

  async function push(values: Values) {
    if (!article) return;
    setSaving(true);
    setError(undefined);
    try {
      const result = await post<Static<typeof PushResult>>(
        `/family-doctor/articles/${article.id}/push`,
        values,
      );
      void message.success(t('fdStaff.education.pushed', { count: result.pushed }));
      setArticle(null);
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  }

  if (articles.error !== undefined)
    return <Alert type="error" showIcon title={errorText(articles.error, t)} />;
  if (articles.loading) return <Spin className="staff-page__spin" />;

  return (
    <div data-testid="fd-education">
      <Typography.Paragraph type="secondary">{t('fdStaff.education.intro')}</Typography.Paragraph>
      {articles.items.length === 0 ? (
        <Empty description={t('fdStaff.education.empty')} />
      ) : (
        <List
          itemLayout="vertical"
          dataSource={articles.items}
          renderItem={(a) => (
            <List.Item
              key={a.id}
              data-testid="fd-article"
              actions={[
                <Button
                  key="push"
                  type="primary"
                  icon={<SendOutlined aria-hidden />}
                  onClick={() => {
                    setError(undefined);
                    setArticle(a);
                  }}
                  autoInsertSpace={false}
                  aria-label={t('fdStaff.education.pushLabel', { title: a.title })}
                  data-testid="fd-article-push"
                >
                  {t('fdStaff.education.push')}
                </Button>,
              ]}
            >
              <List.Item.Meta
                title={
                  <Typography.Title level={3} className="fd-h fd-h--flush">
                    {a.title}
                  </Typography.Title>
                }
                description={
                  <span className="fd-tags">
                    {a.audiences.map((code) => (
                      <Tag key={code} color="cyan">
                        {audienceLabel(code, t)}
                      </Tag>
                    ))}
                    <span className="fd-muted">
                      {t('fdStaff.education.published', { at: dateTime(a.publishedAt) })}
                    </span>
                  </span>
                }
              />
              {a.summary}
            </List.Item>
          )}
        />
      )}
      {articles.hasMore && (
        <div className="fd-more">
          <Button onClick={articles.loadMore} loading={articles.loadingMore}>
            {t('fdStaff.common.loadMore')}
          </Button>
        </div>
      )}
      <Modal
        open={article !== null}
        title={t('fdStaff.education.pushTitle', { title: article?.title ?? '' })}
        onCancel={() => setArticle(null)}
        onOk={() => form.submit()}
        okText={t('fdStaff.education.push')}
        cancelText={t('fdStaff.common.cancel')}
        okButtonProps={{ loading: saving, 'data-testid': 'fd-push-submit' } as ButtonProps}
        destroyOnHidden
      >
        {article && (
          <Form<Values>
            form={form}
            layout="vertical"
            preserve={false}
            initialValues={{ teamId: teamId ?? teams[0]?.id, audiences: article.audiences }}
            onFinish={(values) => void push(values)}
          >
            <Form.Item
              name="teamId"
              label={t('fdStaff.education.team')}
              rules={[{ required: true, message: t('fdStaff.education.teamRequired') }]}
            >
              <Select options={teams.map((team) => ({ value: team.id, label: team.name }))} />
            </Form.Item>
            <Form.Item
              name="audiences"
              label={t('fdStaff.education.audiences')}
              rules={[
                { required: true, type: 'array', min: 1, message: t('fdStaff.education.audiencesRequired') },
              ]}
            >
              <Select
                mode="multiple"
                options={PACKAGE_GROUPS.filter((g) => g !== 'basic').map((g) => ({
                  value: g,
                  label: audienceLabel(g, t),
                }))}
                data-testid="fd-push-audiences"
              />
            </Form.Item>
            {error !== undefined && <Alert type="error" showIcon title={errorText(error, t)} />}
          </Form>
        )}
      </Modal>
    </div>
  );
}
