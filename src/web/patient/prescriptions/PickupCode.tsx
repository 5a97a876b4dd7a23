import { toDataURL } from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fullTime } from './rx.js';

/** 取药码 as the counter reads it: two groups of three digits. */
export function groupCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

/**
 * The pick-up code, big, and as a QR the pharmacy's scanner reads (it carries the six digits only, so a
 * keyboard-wedge scanner types them straight into the counter's 取药码 field).
 */
export function PickupCode({ code, validUntil }: { code: string; validUntil: string | null }) {
  const { t } = useTranslation();
  const [qr, setQr] = useState<string>();

  useEffect(() => {
    let current = true;
    toDataURL(code, { errorCorrectionLevel: 'M', margin: 1, width: 360 }).then(
      (url) => current && setQr(url),
      () => current && setQr(undefined),
    );
    return () => {
      current = false;
    };
  }, [code]);

  return (
    <section className="booking-card rx-pickup" data-testid="pickup-code-card">
      <h2 className="rx-pickup__label" id="rx-pickup-label">
        {t('rxPatient.fulfilment.pickupCode')}
      </h2>
      <output
        className="rx-pickup__code"
        aria-labelledby="rx-pickup-label"
        data-testid="pickup-code"
        data-code={code}
      >
        {groupCode(code)}
      </output>
      {qr && (
        <img
          className="rx-pickup__qr"
          src={qr}
          alt={t('rxPatient.fulfilment.pickupQr')}
          data-testid="pickup-qr"
        />
      )}
      {validUntil && (
        <p className="rx-pickup__deadline" data-testid="pickup-deadline">
          {t('rxPatient.fulfilment.pickBy', { time: fullTime(validUntil) })}
        </p>
      )}
      <p className="rx-pickup__hint">{t('rxPatient.fulfilment.pickupHint')}</p>
    </section>
  );
}
