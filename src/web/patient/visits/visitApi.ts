/** What the patient's visit pages share: raw-body uploads, attachment blobs, refusal texts, tones. */
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import type { AttachmentView, VisitStatus, VisitType } from '../../../shared/visits.js';
import { ApiError, getToken } from '../../api.js';
import type { Tone } from '../../booking.js';
import { errorText } from '../../errors.js';
import { currentLanguage } from '../../i18n/index.js';
import type { Doctor } from '../../types.js';

const BASE = '/api/v1';

/** The doctor as /doctors/{id} answers, with what it offers online. */
export type OnlineDoctor = Doctor & { offersOnlineFollowUp?: boolean; offersOnlineFirstVisit?: boolean };

export function offersOnline(doctor: Doctor): boolean {
  const d = doctor as OnlineDoctor;
  return Boolean(d.offersOnlineFollowUp || d.offersOnlineFirstVisit);
}

export const VISIT_TONE: Record<VisitStatus, Tone> = {
  requested: 'warning',
  paid: 'primary',
  waiting: 'primary',
  in_progress: 'success',
  completed: 'success',
  cancelled: 'default',
  expired: 'default',
  referred_offline: 'warning',
};

/** Before the doctor starts, the patient side may still cancel (refunded). */
export function isVisitCancellable(status: VisitStatus): boolean {
  return status === 'requested' || status === 'paid' || status === 'waiting';
}

/** An API refusal with the problem's extra fields (FIRST_VISIT_NOT_ALLOWED and others carry `reason`). */
export class VisitRefusal extends ApiError {
  constructor(
    status: number,
    code: string,
    title: string,
    detail: string | undefined,
    readonly reason?: string,
  ) {
    super(status, code, title, detail);
  }
}

async function refusalOf(res: Response): Promise<VisitRefusal> {
  let problem: { code?: string; title?: string; detail?: string; reason?: unknown } = {};
  try {
    problem = (await res.json()) as typeof problem;
  } catch {
    // Not JSON: keep the HTTP status only.
  }
  return new VisitRefusal(
    res.status,
    problem.code ?? `HTTP_${res.status}`,
    problem.title ?? res.statusText ?? 'Error',
    problem.detail,
    typeof problem.reason === 'string' ? problem.reason : undefined,
  );
}

async function send(path: string, init: RequestInit): Promise<Response> {
  const token = getToken();
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json, application/problem+json');
  if (token) headers.set('Authorization', `Bearer ${token}`);
  let res: Response;
  try {
    res = await fetch(`${BASE}${path}`, { ...init, headers });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'Network error');
  }
  if (!res.ok) throw await refusalOf(res);
  return res;
}

/** POST a JSON body, keeping the refusal's `reason` (the shared api() keeps code, title and detail only). */
export async function postKeepingReason<T>(path: string, body: unknown): Promise<T> {
  const res = await send(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as T;
}

/** Accepted upload types (docs/visits.md); a browser may give HEIC files no type at all. */
function mimeOf(file: File): string {
  if (file.type) return file.type;
  return /\.hei[cf]$/i.test(file.name) ? 'image/heic' : 'application/octet-stream';
}

/** POST /attachments with the file itself as the body. */
export async function uploadAttachment(file: File): Promise<AttachmentView> {
  const res = await send('/attachments', {
    method: 'POST',
    headers: { 'Content-Type': mimeOf(file) },
    body: file,
  });
  return (await res.json()) as AttachmentView;
}

/** The bytes of an attachment (its thumbnail with `thumb`) as an object URL; the caller revokes it. */
export async function attachmentUrl(id: string, thumb: boolean): Promise<string> {
  // docs/visits.md says ?thumb=1; the server's schema takes a boolean, which `true` satisfies.
  const res = await send(`/attachments/${id}${thumb ? '?thumb=true' : ''}`, { method: 'GET' });
  return URL.createObjectURL(await res.blob());
}

/** An attachment shown in the page: an object URL while mounted, revoked after. */
export function useAttachmentUrl(id: string | undefined, thumb = true): { url?: string; failed: boolean } {
  const [state, setState] = useState<{ url?: string; failed: boolean }>({ failed: false });
  useEffect(() => {
    if (!id) return;
    let url: string | undefined;
    let current = true;
    attachmentUrl(id, thumb).then(
      (u) => {
        url = u;
        if (current) setState({ url: u, failed: false });
        else URL.revokeObjectURL(u);
      },
      () => current && setState({ failed: true }),
    );
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [id, thumb]);
  return state;
}

const VISIT_CODES = [
  'FOLLOW_UP_REQUIRES_OFFLINE_DIAGNOSIS',
  'FIRST_VISIT_NOT_ALLOWED',
  'GUARDIAN_REQUIRED',
  'DOCTOR_NOT_AVAILABLE',
  'NOT_YOUR_PATIENT',
] as const;
type VisitCode = (typeof VISIT_CODES)[number];

function isVisitCode(code: string): code is VisitCode {
  return (VISIT_CODES as readonly string[]).includes(code);
}

/**
 * The refusals of a visit request said plainly, with the unmet condition named (in the UI's language);
 * anything else as errors.ts says it.
 */
export function visitErrorText(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError) || !isVisitCode(error.code)) return errorText(error, t);
  const reason = error instanceof VisitRefusal ? error.reason : undefined;
  if (error.code === 'FIRST_VISIT_NOT_ALLOWED' || error.code === 'DOCTOR_NOT_AVAILABLE') {
    const group = error.code === 'FIRST_VISIT_NOT_ALLOWED' ? 'firstVisitReason' : 'doctorReason';
    const known = reason && t(`visits.${group}.${reason}` as never, { defaultValue: '' });
    const said = known || (currentLanguage() === 'zh-CN' ? error.detail : undefined) || error.title;
    return t(`visits.errors.${error.code}`, { reason: String(said).replace(/[。.]$/, '') });
  }
  return t(`visits.errors.${error.code}`);
}

/** What a visit type allows to choose, in the order shown. */
export const TYPE_ORDER: readonly VisitType[] = ['follow_up', 'consultation', 'first_visit'];
