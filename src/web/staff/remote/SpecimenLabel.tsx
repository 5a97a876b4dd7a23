import { PrinterOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SpecimenView } from '../../../shared/remote.js';
import { code128Widths } from './code128.js';

/** Module width and bar height in SVG units (the label scales to its box; printing keeps the ratio). */
const QUIET = 10;
const HEIGHT = 50;
/** The element the printed label is copied into (remote.css shows only it on paper). */
const PRINT_ROOT = 'rr-print-root';

/** A Code 128 barcode as SVG bars; the text under it is for people (and a scanner that fails). */
export function Code128Svg({ value, label }: { value: string; label: string }) {
  const widths = code128Widths(value);
  const total = widths.reduce((sum, w) => sum + w, 0) + QUIET * 2;
  const bars: { x: number; w: number }[] = [];
  let x = QUIET;
  widths.forEach((w, i) => {
    if (i % 2 === 0) bars.push({ x, w });
    x += w;
  });
  return (
    <svg
      className="rr-barcode"
      viewBox={`0 0 ${total} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
      data-testid="specimen-barcode"
      data-value={value}
      shapeRendering="crispEdges"
    >
      <rect x={0} y={0} width={total} height={HEIGHT} fill="#fff" />
      {bars.map((bar) => (
        <rect key={bar.x} x={bar.x} y={0} width={bar.w} height={HEIGHT} fill="#000" />
      ))}
    </svg>
  );
}

/**
 * The label stuck on the tube: barcode, patient, accession number, panels and container. 打印条码 prints this
 * label alone (a copy beside the app; while `rr-printing-label` is on <body> the print stylesheet hides the rest).
 */
export function SpecimenLabel({
  specimen,
  patient,
  accessionNo,
  panelNames,
}: {
  specimen: SpecimenView;
  patient: { name: string; sexAge: string };
  accessionNo: string;
  panelNames: ReadonlyMap<string, string>;
}) {
  const { t } = useTranslation();
  const id = `rr-label-${specimen.id}`;

  /** Prints a copy of this label alone: put beside the app's root, which the print stylesheet hides. */
  function print() {
    const label = document.getElementById(id);
    if (!label) return;
    const holder = document.createElement('div');
    holder.id = PRINT_ROOT;
    const copy = label.cloneNode(true) as Element;
    copy.removeAttribute('id');
    holder.appendChild(copy);
    document.getElementById(PRINT_ROOT)?.remove();
    document.body.appendChild(holder);
    document.body.classList.add('rr-printing-label');
    const done = () => {
      document.body.classList.remove('rr-printing-label');
      holder.remove();
      window.removeEventListener('afterprint', done);
    };
    window.addEventListener('afterprint', done);
    window.print();
  }

  return (
    <div className="rr-tube-box">
      <figure id={id} className="rr-tube" data-testid="specimen-label" data-barcode={specimen.barcode}>
        <figcaption className="rr-tube__head">
          <strong>{patient.name}</strong> <span>{patient.sexAge}</span>
        </figcaption>
        <Code128Svg
          value={specimen.barcode}
          label={t('remoteRequests.label.barcodeOf', { barcode: specimen.barcode })}
        />
        <div className="rr-tube__code">{specimen.barcode}</div>
        <div className="rr-tube__line">{t('remoteRequests.label.accessionLine', { no: accessionNo })}</div>
        <div className="rr-tube__line">
          {t('remoteRequests.label.panelsLine', {
            panels: specimen.panels
              .map((p) => panelNames.get(p) ?? p)
              .join(t('remoteRequests.label.separator')),
          })}
        </div>
        <div className="rr-tube__line">
          {t('remoteRequests.label.containerLine', { container: specimen.container })}
        </div>
      </figure>
      <Button icon={<PrinterOutlined aria-hidden />} onClick={print} data-testid="specimen-print">
        {t('remoteRequests.lab.print')}
      </Button>
    </div>
  );
}
