import { DeleteOutlined, RedoOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Drawer, Input, Popconfirm, Space, Spin, Tag } from 'antd';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { Hl7MessageDetail as Hl7MessageDetailSchema } from '../../../shared/records.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { dateTime } from '../records/results.js';
import { edited, replayOutcome, STATUS_COLOUR, toEditable, toWire } from './hl7.js';

type Hl7MessageDetail = Static<typeof Hl7MessageDetailSchema>;

/** What the last action did, shown in the drawer until the next one. */
type Result =
  | { kind: 'replayed'; after: Hl7MessageDetail }
  | { kind: 'discarded' }
  | { kind: 'failed'; error: unknown };

function ResultAlert({ result }: { result: Result }) {
  const { t } = useTranslation();
  if (result.kind === 'failed') {
    return <Alert type="error" showIcon title={errorText(result.error, t)} data-testid="hl7-result" />;
  }
  if (result.kind === 'discarded') {
    return <Alert type="info" showIcon title={t('recordsStaff.hl7.discarded')} data-testid="hl7-result" />;
  }
  const after = result.after;
  const outcome = replayOutcome(after);
  if (outcome === 'applied') {
    return (
      <Alert
        type="success"
        showIcon
        data-testid="hl7-result"
        data-outcome={outcome}
        title={t('recordsStaff.hl7.replayApplied', { ack: after.ackCode })}
      />
    );
  }
  if (outcome === 'held') {
    return (
      <Alert
        type="info"
        showIcon
        data-testid="hl7-result"
        data-outcome={outcome}
        title={t('recordsStaff.hl7.replayHeld')}
      />
    );
  }
  return (
    <Alert
      type="error"
      showIcon
      data-testid="hl7-result"
      data-outcome={outcome}
      title={t('recordsStaff.hl7.replayFailed')}
      description={[after.ackCode, after.errorCode, after.errorDetail].filter(Boolean).join(' · ')}
    />
  );
}

function MessageDetail({ messageId, onChanged }: { messageId: string; onChanged(): void }) {
  const { t } = useTranslation();
  const loaded = useApiData<Hl7MessageDetail>(`/hl7/messages/${messageId}`);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState<'replay' | 'discard'>();
  const [result, setResult] = useState<Result>();
  const rawId = useId();
  const m = loaded.data;

  // The editor starts from the stored message, and again after a replay stored the fixed one.
  useEffect(() => {
    if (m) setText(toEditable(m.raw));
  }, [m]);

  async function replay() {
    setBusy('replay');
    try {
      const after = await post<Hl7MessageDetail>(`/hl7/messages/${messageId}/replay`, { raw: toWire(text) });
      setResult({ kind: 'replayed', after });
      if (after && typeof after.raw === 'string') loaded.setData(after);
      else loaded.reload();
      onChanged();
    } catch (error) {
      setResult({ kind: 'failed', error });
    } finally {
      setBusy(undefined);
    }
  }

  async function discard() {
    setBusy('discard');
    try {
      const after = await post<Hl7MessageDetail>(`/hl7/messages/${messageId}/discard`);
      setResult({ kind: 'discarded' });
      if (after && typeof after.raw === 'string') loaded.setData(after);
      else loaded.reload();
      onChanged();
    } catch (error) {
      setResult({ kind: 'failed', error });
    } finally {
      setBusy(undefined);
    }
  }

  if (!m) {
    return loaded.error !== undefined ? (
      <Alert type="error" showIcon title={errorText(loaded.error, t)} />
    ) : (
      <Spin className="staff-page__spin" />
    );
  }
  // A dead letter is fixed and replayed, or discarded; a held one (awaiting a match) may be discarded.
  const replayable = m.status === 'dead';
  const discardable = m.status === 'dead' || m.status === 'held';
  return (
    <div className="hl7-detail" data-testid="hl7-message-detail" data-status={m.status}>
      <Descriptions
        size="small"
        column={2}
        bordered
        items={[
          {
            key: 'type',
            label: t('recordsStaff.hl7.type'),
            children: <span className="rec-mono">{m.messageType}</span>,
          },
          {
            key: 'status',
            label: t('recordsStaff.hl7.statusFilter'),
            children: (
              <Tag color={STATUS_COLOUR[m.status]} data-testid="hl7-message-status">
                {t(`recordsStaff.hl7.messageStatus.${m.status}`)}
              </Tag>
            ),
          },
          {
            key: 'control',
            label: t('recordsStaff.hl7.controlId'),
            children: <span className="rec-mono">{m.controlId}</span>,
          },
          { key: 'facility', label: t('recordsStaff.hl7.facility'), children: m.sendingFacility },
          {
            key: 'error',
            label: t('recordsStaff.hl7.error'),
            span: 2,
            children: m.errorCode ? (
              <span>
                <span className="rec-mono">
                  {m.ackCode} · {m.errorCode}
                </span>
                {m.errorDetail && <div>{m.errorDetail}</div>}
              </span>
            ) : (
              `${m.ackCode} · ${t('recordsStaff.hl7.noError')}`
            ),
          },
          { key: 'received', label: t('recordsStaff.hl7.receivedAt'), children: dateTime(m.receivedAt) },
          {
            key: 'applied',
            label: t('recordsStaff.hl7.appliedAt'),
            children: m.appliedAt ? dateTime(m.appliedAt) : '—',
          },
          { key: 'attempts', label: t('recordsStaff.hl7.attempts'), children: m.attempts },
        ]}
      />
      <label htmlFor={rawId} className="hl7-raw__label">
        {t('recordsStaff.hl7.raw')}
      </label>
      <Input.TextArea
        id={rawId}
        className="hl7-raw"
        value={text}
        onChange={(e) => setText(e.target.value)}
        readOnly={!replayable}
        autoSize={{ minRows: 8, maxRows: 24 }}
        spellCheck={false}
        wrap="off"
        data-testid="hl7-raw"
      />
      {result && <ResultAlert result={result} />}
      {(replayable || discardable) && (
        <Space className="hl7-detail__actions">
          {replayable && (
            <Button
              type="primary"
              icon={<RedoOutlined aria-hidden />}
              loading={busy === 'replay'}
              disabled={busy !== undefined || text.trim() === ''}
              onClick={replay}
              data-testid="hl7-replay"
              data-edited={edited(m.raw, text)}
            >
              {t('recordsStaff.hl7.replay')}
            </Button>
          )}
          {discardable && (
            <Popconfirm
              title={t('recordsStaff.hl7.discardConfirm')}
              okText={t('recordsStaff.hl7.discard')}
              okButtonProps={{ danger: true, autoInsertSpace: false }}
              cancelText={t('common.cancel')}
              onConfirm={discard}
            >
              <Button
                danger
                icon={<DeleteOutlined aria-hidden />}
                loading={busy === 'discard'}
                disabled={busy !== undefined}
                data-testid="hl7-discard"
              >
                {t('recordsStaff.hl7.discard')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      )}
    </div>
  );
}

/** One message in full: its facts, the raw text to fix (segments on lines), 修正并重放 and 丢弃. */
export function DeadLetterDrawer({
  messageId,
  onClose,
  onChanged,
}: {
  messageId: string | undefined;
  onClose(): void;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  return (
    <Drawer
      open={messageId !== undefined}
      size={760}
      title={t('recordsStaff.hl7.detail')}
      onClose={onClose}
      destroyOnHidden
    >
      {messageId && <MessageDetail key={messageId} messageId={messageId} onChanged={onChanged} />}
    </Drawer>
  );
}
