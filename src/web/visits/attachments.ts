/**
 * Attachments of a visit (pictures and voice notes) for both the patient H5 and the clinic console:
 * uploaded as the raw body of POST /attachments, fetched back as blob: URLs, both through api.ts.
 */
import { useEffect, useState } from 'react';
import type { AttachmentView } from '../../shared/visits.js';
import { getBlob, upload } from '../api.js';

/** The largest picture the API takes. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Accepted upload types (docs/visits.md); a browser may give HEIC files no type at all. */
function mimeOf(file: File): string {
  if (file.type) return file.type;
  // The server reads the type from the bytes when it is told none.
  return /\.hei[cf]$/i.test(file.name) ? 'image/heic' : 'application/octet-stream';
}

/** POST /attachments with the bytes as the body; a voice note says its length (whole ms). */
export function uploadAttachment(bytes: Blob, mime: string, durationMs?: number): Promise<AttachmentView> {
  const query = durationMs === undefined ? '' : `?durationMs=${Math.round(durationMs)}`;
  return upload<AttachmentView>(`/attachments${query}`, bytes, mime);
}

/** A picture the person chose, with the type the browser gave it (or none: the server reads the bytes). */
export function uploadPicture(file: File): Promise<AttachmentView> {
  return uploadAttachment(file, mimeOf(file));
}

/** The bytes of an attachment (its thumbnail with `thumb`) as a blob: URL; the caller revokes it. */
export async function attachmentUrl(id: string, thumb = false): Promise<string> {
  // docs/visits.md says ?thumb=1; the server's schema takes a boolean, which `true` satisfies.
  return URL.createObjectURL(await getBlob(`/attachments/${id}${thumb ? '?thumb=true' : ''}`));
}

/**
 * An attachment shown in a page: a blob: URL while mounted, revoked after. An <img> cannot send the
 * bearer token, so the bytes are fetched and shown from memory. No id waits (a full picture is fetched
 * only when opened).
 */
export function useAttachmentUrl(
  id: string | null | undefined,
  thumb: boolean,
): { url?: string; failed: boolean } {
  const [state, setState] = useState<{ url?: string; failed: boolean }>({ failed: false });
  useEffect(() => {
    if (!id) return;
    let url: string | undefined;
    let current = true;
    attachmentUrl(id, thumb).then(
      (made) => {
        url = made;
        if (current) setState({ url: made, failed: false });
        else URL.revokeObjectURL(made);
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
