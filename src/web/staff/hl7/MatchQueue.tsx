import { CheckOutlined, CloseOutlined, UserAddOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Popconfirm,
  Radio,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import type { Hl7MatchView } from '../../../shared/records.js';
import { get, post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { dateTime } from '../records/results.js';
import { matchOrder } from './hl7.js';

type Action = 'match' | 'create' | 'reject';

const MATCH_STATUS_COLOUR: Record<Hl7MatchView['status'], string> = {
  pending: 'warning',
  matched: 'success',
  created: 'cyan',
  rejected: 'default',
};

function useSexText() {
  const { t } = useTranslation();
  return (sex: string | null) =>
    sex === 'male' || sex === 'female' ? t(`recordsStaff.hl7.sexLabel.${sex}`) : null;
}

/** One person a message named whom no resident ID matched: the candidates, and 匹配 / 新建患者 / 拒绝. */
function MatchCard({ match, onResolved }: { match: Hl7MatchView; onResolved(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const headingId = useId();
  const [chosen, setChosen] = useState<string>();
  const [busy, setBusy] = useState<Action>();
  const [failure, setFailure] = useState<unknown>();
  const pending = match.status === 'pending';
  const sexText = useSexText();

  async function resolve(action: Action) {
    if (action === 'match' && !chosen) {
      message.warning(t('recordsStaff.hl7.chooseCandidate'));
      return;
    }
    setBusy(action);
    setFailure(undefined);
    try {
      await post(`/hl7/matches/${match.id}`, action === 'match' ? { action, patientId: chosen } : { action });
      message.success(
        t(
          action === 'match'
            ? 'recordsStaff.hl7.matched'
            : action === 'create'
              ? 'recordsStaff.hl7.created'
              : 'recordsStaff.hl7.rejected',
        ),
      );
      onResolved();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <Card
      size="small"
      role="article"
      aria-labelledby={headingId}
      className="hl7-match"
      data-testid="hl7-match"
      data-status={match.status}
      title={
        <span className="hl7-match__title">
          <Typography.Title level={4} id={headingId} className="hl7-match__name">
            {match.name}
          </Typography.Title>
          <Tag color={MATCH_STATUS_COLOUR[match.status]}>
            {t(`recordsStaff.hl7.matchStatus.${match.status}`)}
          </Tag>
        </span>
      }
      extra={<span className="rec-sub">{dateTime(match.createdAt)}</span>}
    >
      <div className="hl7-match__body">
        <div className="hl7-match__incoming">
          <Typography.Text strong>{t('recordsStaff.hl7.incoming')}</Typography.Text>
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'id',
                label: t('recordsStaff.hl7.idNumber'),
                children: <span className="rec-mono">{match.idNumberMasked ?? '—'}</span>,
              },
              { key: 'sex', label: t('recordsStaff.hl7.sex'), children: sexText(match.sex) ?? '—' },
              { key: 'birth', label: t('recordsStaff.hl7.birthDate'), children: match.birthDate ?? '—' },
              {
                key: 'type',
                label: t('recordsStaff.hl7.messageType'),
                children: <span className="rec-mono">{match.messageType}</span>,
              },
            ]}
          />
        </div>
        <div className="hl7-match__candidates">
          <Typography.Text strong>{t('recordsStaff.hl7.candidates')}</Typography.Text>
          {match.candidates.length === 0 ? (
            <Typography.Paragraph type="secondary">{t('recordsStaff.hl7.noCandidates')}</Typography.Paragraph>
          ) : (
            <Radio.Group
              value={chosen}
              onChange={(e) => setChosen(e.target.value)}
              disabled={!pending}
              aria-label={t('recordsStaff.hl7.candidatesLabel', { name: match.name })}
              className="hl7-match__radios"
              data-testid="hl7-candidates"
            >
              <Space orientation="vertical" size={4}>
                {match.candidates.map((c) => (
                  <Radio key={c.patientId} value={c.patientId} data-testid="hl7-candidate">
                    <Typography.Text strong>{c.name}</Typography.Text>{' '}
                    <span className="rec-sub rec-mono">
                      {[sexText(c.sex), c.birthDate, c.idNumberMasked].filter(Boolean).join(' · ')}
                    </span>
                  </Radio>
                ))}
              </Space>
            </Radio.Group>
          )}
        </div>
      </div>
      {failure !== undefined && (
        <Alert type="error" showIcon className="hl7-match__error" title={errorText(failure, t)} />
      )}
      {pending && (
        <Space className="hl7-match__actions" wrap>
          <Button
            type="primary"
            icon={<CheckOutlined aria-hidden />}
            disabled={busy !== undefined || match.candidates.length === 0}
            loading={busy === 'match'}
            onClick={() => resolve('match')}
            data-testid="hl7-match-confirm"
          >
            {t('recordsStaff.hl7.match')}
          </Button>
          <Button
            icon={<UserAddOutlined aria-hidden />}
            disabled={busy !== undefined}
            loading={busy === 'create'}
            onClick={() => resolve('create')}
            data-testid="hl7-match-create"
          >
            {t('recordsStaff.hl7.create')}
          </Button>
          <Popconfirm
            title={t('recordsStaff.hl7.rejectConfirm')}
            okText={t('recordsStaff.hl7.reject')}
            okButtonProps={{ danger: true, autoInsertSpace: false }}
            cancelText={t('common.cancel')}
            onConfirm={() => resolve('reject')}
          >
            <Button
              danger
              icon={<CloseOutlined aria-hidden />}
              disabled={busy !== undefined}
              loading={busy === 'reject'}
              data-testid="hl7-match-reject"
            >
              {t('recordsStaff.hl7.reject')}
            </Button>
          </Popconfirm>
        </Space>
      )}
    </Card>
  );
}

type Shown = 'pending' | 'all';
const path = (shown: Shown, before?: string) =>
  `/hl7/matches?status=${shown}&limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`;

/** 患者匹配队列: pending first (the longest waiting on top), then, on request, the resolved ones. */
export function MatchQueue({ onChanged }: { onChanged?(): void }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState<Shown>('pending');
  const first = useApiData<Page<Hl7MatchView>>(path(shown));
  const [more, setMore] = useState<Page<Hl7MatchView>[]>([]);
  const [loading, setLoading] = useState(false);
  const pages = first.data ? [first.data, ...more] : [];
  const matches = matchOrder(pages.flatMap((p) => p.items));
  const cursor = pages.at(-1)?.nextCursor ?? undefined;
  const pendingCount = matches.filter((m) => m.status === 'pending').length;

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const next = await get<Page<Hl7MatchView>>(path(shown, cursor));
      setMore((loaded) => [...loaded, next]);
    } finally {
      setLoading(false);
    }
  }

  let body: ReactNode;
  if (first.error !== undefined && !first.data) {
    body = <Alert type="error" showIcon title={errorText(first.error, t)} />;
  } else if (!first.data) {
    body = <Spin className="staff-page__spin" />;
  } else if (matches.length === 0) {
    body = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('recordsStaff.hl7.noMatches')} />;
  } else {
    body = matches.map((m) => (
      <MatchCard
        key={m.id}
        match={m}
        onResolved={() => {
          setMore([]);
          first.reload();
          onChanged?.();
        }}
      />
    ));
  }

  return (
    <section
      className="hl7-matches"
      aria-label={t('recordsStaff.hl7.matchesCaption')}
      data-testid="hl7-matches"
    >
      <div className="hl7-toolbar">
        <Select<Shown>
          className="hl7-toolbar__status"
          aria-label={t('recordsStaff.hl7.matchFilter')}
          value={shown}
          onChange={(next) => {
            setMore([]);
            setShown(next);
          }}
          options={(['pending', 'all'] as const).map((value) => ({
            value,
            label: t(`recordsStaff.hl7.matchFilterLabel.${value}`),
          }))}
          data-testid="hl7-match-filter"
        />
        {first.data && (
          <Typography.Text type="secondary">
            {t('recordsStaff.hl7.pendingOnly', { count: pendingCount })}
          </Typography.Text>
        )}
      </div>
      {body}
      {cursor && (
        <div className="rec-more">
          <Button onClick={loadMore} loading={loading}>
            {t('recordsStaff.hl7.loadMore')}
          </Button>
        </div>
      )}
    </section>
  );
}
