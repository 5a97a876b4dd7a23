import { PictureOutlined } from '@ant-design/icons';
import { Image } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAttachmentUrl } from '../../visits/attachments.js';

/** A picture attachment: its thumbnail, and the full picture fetched when opened. */
export function Thumbnail({ id, size = 96 }: { id: string; size?: number }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const thumb = useAttachmentUrl(id, true);
  const full = useAttachmentUrl(opened ? id : null, false);
  if (thumb.failed) {
    return (
      <span
        className="thumb thumb--failed"
        style={{ width: size, height: size }}
        title={t('workstation.chat.imageFailed')}
      >
        <PictureOutlined aria-hidden />
      </span>
    );
  }
  return (
    <Image
      className="thumb"
      width={size}
      height={size}
      src={thumb.url}
      alt=""
      // The thumbnail is a button that opens the preview: it needs a name (axe aria-command-name).
      aria-label={t('workstation.chat.openImage')}
      data-testid="thumbnail"
      placeholder={<span className="thumb thumb--loading" style={{ width: size, height: size }} />}
      preview={{ src: full.url ?? thumb.url, onOpenChange: (open) => open && setOpened(true) }}
    />
  );
}
