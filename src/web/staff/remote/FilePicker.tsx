import { UploadOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A labelled native file input (several files) and its upload button: a person sees what they chose, a
 * journey finds the input by its label (setInputFiles) and the button by its name.
 */
export function FilePicker({
  label,
  accept,
  uploadText,
  busy,
  onUpload,
  testId,
}: {
  label: string;
  accept: string;
  uploadText: string;
  busy: boolean;
  onUpload(files: File[]): Promise<boolean>;
  testId: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);

  return (
    <div className="rr-files" data-testid={testId}>
      <label htmlFor={id} className="rr-label">
        {label}
      </label>
      <input
        id={id}
        ref={input}
        type="file"
        multiple
        accept={accept}
        className="rr-files__input"
        onChange={(event) => setFiles([...(event.target.files ?? [])])}
        data-testid={`${testId}-input`}
      />
      <div className="rr-muted rr-files__chosen" aria-live="polite">
        {files.length > 0
          ? t('remoteRequests.files.chosen', {
              count: files.length,
              names: files.map((f) => f.name).join(', '),
            })
          : t('remoteRequests.files.noneChosen')}
      </div>
      <Button
        type="primary"
        icon={<UploadOutlined aria-hidden />}
        disabled={files.length === 0}
        loading={busy}
        onClick={async () => {
          if (await onUpload(files)) {
            setFiles([]);
            if (input.current) input.current.value = '';
          }
        }}
        data-testid={`${testId}-submit`}
      >
        {uploadText}
      </Button>
    </div>
  );
}
