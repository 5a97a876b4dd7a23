/** What the workstation asks of /api/v1 beyond JSON: attachment bytes in and out, and refusal texts. */
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import type { AttachmentView, VisitView } from '../../../shared/visits.js';
import { ApiError, getToken } from '../../api.js';
import { errorText } from '../../errors.js';
import { currentLanguage } from '../../i18n/index.js';
import { workstationZh } from '../../i18n/workstation.zh-CN.js';

export interface VisitList {
  items: VisitView[];
}

/** The largest picture the API takes. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

async function problemOf(res: Response): Promise<ApiError> {
  const problem = (await res.json().catch(() => ({}))) as { code?: string; title?: string; detail?: string };
  return new ApiError(
    res.status,
    problem.code ?? `HTTP_${res.status}`,
    problem.title ?? res.statusText,
    problem.detail,
  );
}

/** Uploads a picture as the raw body (the API takes no multipart). */
export async function uploadAttachment(file: File): Promise<AttachmentView> {
  const res = await fetch('/api/v1/attachments', {
    method: 'POST',
    headers: { 'Content-Type': file.type || 'image/jpeg', Authorization: `Bearer ${getToken() ?? ''}` },
    body: file,
  }).catch(() => {
    throw new ApiError(0, 'NETWORK_ERROR', 'Network error');
  });
  if (!res.ok) throw await problemOf(res);
  return (await res.json()) as AttachmentView;
}

/**
 * An attachment as a blob: URL. An <img> cannot send the bearer token, so the bytes are fetched and
 * shown from memory; the URL is revoked when the component goes. `null` id waits (a full picture is
 * fetched only when opened).
 */
export function useAttachmentUrl(id: string | null, thumb: boolean): { url?: string; failed: boolean } {
  const [state, setState] = useState<{ url?: string; failed: boolean }>({ failed: false });
  useEffect(() => {
    if (id === null) return;
    let url: string | undefined;
    let current = true;
    // docs/visits.md writes ?thumb=1; the server's schema takes a boolean, which `true` satisfies.
    fetch(`/api/v1/attachments/${id}${thumb ? '?thumb=true' : ''}`, {
      headers: { Authorization: `Bearer ${getToken() ?? ''}` },
    })
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        const blob = await res.blob();
        if (!current) return;
        url = URL.createObjectURL(blob);
        setState({ url, failed: false });
      })
      .catch(() => {
        if (current) setState({ failed: true });
      });
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [id, thumb]);
  return state;
}

type VisitErrorCode = keyof typeof workstationZh.errors;

/**
 * A refusal of the visits API in words: the visit rules (GUARDIAN_REQUIRED, FIRST_VISIT_NOT_ALLOWED…)
 * get the workstation's own title, with the server's detail in Chinese; anything else as usual.
 */
export function visitError(error: unknown, t: TFunction): { title: string; detail?: string } {
  if (error instanceof ApiError && error.code in workstationZh.errors) {
    const title = t(`workstation.errors.${error.code as VisitErrorCode}`);
    const detail =
      currentLanguage() === 'zh-CN' && error.detail && error.detail !== title ? error.detail : undefined;
    return { title, detail };
  }
  return { title: errorText(error, t) };
}

export function visitErrorText(error: unknown, t: TFunction): string {
  const { title, detail } = visitError(error, t);
  if (!detail) return title;
  return currentLanguage() === 'zh-CN' ? `${title}：${detail}` : `${title}: ${detail}`;
}
