/**
 * 健康教育: the articles the team pushed to the resident (by condition and group), unread ones marked;
 * opening one marks it read (the team sees the read receipt).
 */
import { Badge, ErrorBlock } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { ArticleList, ArticleView } from '../../../shared/family-doctor.js';
import { useApiData } from '../../components/useApiData.js';
import { shanghaiDate } from '../../format.js';
import { Frame, Waiting } from './FdParts.js';
import { fdPath, formatDate, useFdPatient } from './fd.js';

const isUnread = (a: ArticleView) => a.pushedAt !== null && a.readAt === null;

function articlesPath(patientId: string | undefined): string | null {
  return patientId ? `/family-doctor/articles?patientId=${patientId}&limit=100` : null;
}

export function ArticlesPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const patient = useFdPatient();
  const { data, error } = useApiData<ArticleList>(articlesPath(patient.patientId));
  const unread = data?.items.filter(isUnread).length ?? 0;
  return (
    <Frame
      title={t('fdResident.titles.articles')}
      back={fdPath('', patient.chosen)}
      testId="fd-articles"
      patient={patient}
    >
      {!data ? (
        <Waiting error={error} />
      ) : data.items.length === 0 ? (
        <ErrorBlock className="patient-empty" status="empty" title={t('fdResident.articles.none')} />
      ) : (
        <>
          <p className="patient-page__intro" data-testid="fd-articles-unread">
            {unread > 0
              ? t('fdResident.articles.unreadCount', { count: unread })
              : t('fdResident.articles.allRead')}
          </p>
          <ul className="fd-article-list">
            {data.items.map((a) => (
              <li key={a.id}>
                <button
                  type="button"
                  className="booking-card fd-article"
                  onClick={() => navigate(fdPath(`articles/${a.id}`, patient.chosen))}
                  data-testid="fd-article"
                  data-unread={isUnread(a)}
                >
                  <span className="fd-article__head">
                    {isUnread(a) && <Badge content={Badge.dot} className="fd-article__dot" />}
                    <strong className="fd-article__title">{a.title}</strong>
                    {isUnread(a) && <span className="fd-unread">{t('fdResident.articles.unread')}</span>}
                  </span>
                  <span className="fd-muted fd-article__summary">{a.summary}</span>
                  <span className="fd-article__foot">
                    <span className="fd-muted">
                      {formatDate(shanghaiDate(a.pushedAt ?? a.publishedAt), i18n.language)}
                    </span>
                    <RightOutline aria-hidden />
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Frame>
  );
}

export function ArticlePage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const patient = useFdPatient();
  // Opening the article is reading it: the server keeps the read receipt (for a family member too).
  const { data: article, error } = useApiData<ArticleView>(
    patient.patientId ? `/family-doctor/articles/${id}?patientId=${patient.patientId}` : null,
  );

  return (
    <Frame
      title={t('fdResident.titles.article')}
      back={fdPath('articles', patient.chosen)}
      testId="fd-article-page"
      patient={patient}
    >
      {!article ? (
        <Waiting error={error} />
      ) : (
        <article className="booking-card fd-article-body" aria-labelledby="fd-article-title">
          <h2 className="fd-article-body__title" id="fd-article-title" data-testid="fd-article-title">
            {article.title}
          </h2>
          <p className="fd-muted">{formatDate(shanghaiDate(article.publishedAt), i18n.language)}</p>
          <p className="fd-article-body__summary">{article.summary}</p>
          <div className="fd-article-body__text">
            {article.body.split(/\n+/).map((para, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs of a fixed text, never reordered.
              <p key={i}>{para}</p>
            ))}
          </div>
        </article>
      )}
    </Frame>
  );
}
