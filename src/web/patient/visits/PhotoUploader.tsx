import { ImageUploader, type ImageUploadItem, Toast } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { uploadPicture } from '../../visits/attachments.js';
import { visitErrorText } from './visitApi.js';

/** Accepted by POST /attachments (docs/visits.md). */
const IMAGE_TYPES = 'image/jpeg,image/png,image/heic';

/**
 * Pictures uploaded one by one as they are chosen (POST /attachments, raw body), shown as thumbnails of
 * the local file; each item's `extra` is the attachment id. `onBusy` says whether uploads are running.
 */
export function PhotoUploader({
  value,
  onChange,
  maxCount,
  onBusy,
  testId,
}: {
  value: ImageUploadItem[];
  onChange(items: ImageUploadItem[]): void;
  maxCount: number;
  onBusy(busy: boolean): void;
  testId: string;
}) {
  const { t } = useTranslation();

  async function upload(file: File): Promise<ImageUploadItem> {
    try {
      const attachment = await uploadPicture(file);
      return { key: attachment.id, url: URL.createObjectURL(file), extra: attachment.id };
    } catch (error) {
      Toast.show({ content: `${t('visits.h5.uploadFailed')}：${visitErrorText(error, t)}` });
      throw error;
    }
  }

  return (
    <div data-testid={testId} className="visit-uploader">
      <ImageUploader
        value={value}
        onChange={onChange}
        upload={upload}
        accept={IMAGE_TYPES}
        multiple={maxCount > 1}
        maxCount={maxCount}
        columns={4}
        onUploadQueueChange={(tasks) => onBusy(tasks.some((task) => task.status === 'pending'))}
        onDelete={(item) => {
          URL.revokeObjectURL(item.url);
        }}
      />
    </div>
  );
}

/** The attachment ids of uploaded items. */
export function attachmentIds(items: ImageUploadItem[]): string[] {
  return items.map((item) => item.extra as string).filter(Boolean);
}
