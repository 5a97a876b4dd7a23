import {
  BgColorsOutlined,
  ColumnWidthOutlined,
  DeleteOutlined,
  DragOutlined,
  ExpandOutlined,
  ReloadOutlined,
  SearchOutlined,
  SwapOutlined,
  ZoomInOutlined,
  ZoomOutOutlined,
} from '@ant-design/icons';
import { Alert, Button, Descriptions, InputNumber, Slider, Spin } from 'antd';
import {
  type KeyboardEvent as ReactKeyboardEvent,
  type PointerEvent as ReactPointerEvent,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import {
  type DicomJson,
  fetchFrame,
  fetchRendered,
  searchInstances,
  searchSeries,
  seriesMetadata,
  TAG,
  tagNumber,
  tagNumbers,
  tagString,
} from './dicomweb.js';
import {
  aspectOf,
  canvasToImage,
  type Distance,
  distance,
  fitView,
  formatDistance,
  imageToCanvas,
  onImage,
  origin,
  type Point,
  panBy,
  type Size,
  type Spacing,
  spacingOf,
  stepIndex,
  type View,
  wheelZoomFactor,
  zoomAt,
} from './geometry.js';
import {
  autoWindow,
  decodeFrame,
  dragWindow,
  initialWindow,
  modalityRange,
  type PixelFormat,
  type PresetId,
  presetsFor,
  type Rescale,
  RGB_IDENTITY_WINDOW,
  renderGrey,
  renderRgb,
  type StoredPixels,
  storedRange,
  type VoiFunction,
  type Window,
} from './voi.js';
import './imaging.css';

/**
 * The DICOM image viewer of remote diagnosis (REMOTE-*): the study's series, one viewport drawn on a canvas
 * from the raw pixels the DICOMweb server sends (so window/level is the reader's, live), zoom and pan,
 * distance measurement in mm from Pixel Spacing, and the study/series attributes a report cites. The
 * reading page embeds it; it fetches everything itself under /dicomweb with the session's token.
 */

type Tool = 'windowLevel' | 'pan' | 'zoom' | 'measure';

const TOOL_KEYS: Record<Tool, string> = { windowLevel: 'W', pan: 'P', zoom: 'Z', measure: 'M' };

interface SeriesEntry {
  uid: string;
  number?: number;
  description: string;
  modality: string;
  count?: number;
}

/** One image of a series: an instance, or one frame of a multi-frame instance. */
interface ImageEntry {
  seriesUid: string;
  instanceUid: string;
  frame: number;
  meta: DicomJson;
}

type LoadedFrame =
  | {
      kind: 'pixels';
      format: PixelFormat;
      pixels: StoredPixels;
      stored: { min: number; max: number };
      bytes: number;
    }
  | { kind: 'rendered'; bitmap: ImageBitmap; bytes: number };

interface Measurement {
  id: number;
  seriesUid: string;
  instanceUid: string;
  frame: number;
  a: Point;
  b: Point;
  distance: Distance;
}

/** Decoded frames kept for scrolling back and forth (a 512×512 CT slice is 0.5 MB). */
const CACHE_BYTES = 192 * 1024 * 1024;
/** Wheel travel per image. */
const WHEEL_STEP_PX = 100;
/** Images fetched ahead of and behind the one shown. */
const PREFETCH = 3;

function imageKey(image: Pick<ImageEntry, 'instanceUid' | 'frame'>): string {
  return `${image.instanceUid}#${image.frame}`;
}

function formatOf(meta: DicomJson): PixelFormat {
  return {
    rows: tagNumber(meta, TAG.rows) ?? 0,
    columns: tagNumber(meta, TAG.columns) ?? 0,
    bitsAllocated: tagNumber(meta, TAG.bitsAllocated) ?? 16,
    bitsStored: tagNumber(meta, TAG.bitsStored),
    pixelRepresentation: tagNumber(meta, TAG.pixelRepresentation) ?? 0,
    samplesPerPixel: tagNumber(meta, TAG.samplesPerPixel) ?? 1,
    planarConfiguration: tagNumber(meta, TAG.planarConfiguration) ?? 0,
  };
}

function rescaleOf(meta: DicomJson | undefined): Rescale {
  return {
    slope: tagNumber(meta, TAG.rescaleSlope) ?? 1,
    intercept: tagNumber(meta, TAG.rescaleIntercept) ?? 0,
  };
}

function photometricOf(meta: DicomJson | undefined): string {
  return (tagString(meta, TAG.photometric) ?? 'MONOCHROME2').trim().toUpperCase();
}

function voiFunctionOf(meta: DicomJson | undefined): VoiFunction {
  const fn = (tagString(meta, TAG.voiLutFunction) ?? '').trim().toUpperCase();
  return fn === 'SIGMOID' || fn === 'LINEAR_EXACT' ? fn : 'LINEAR';
}

function isColour(meta: DicomJson | undefined): boolean {
  return (tagNumber(meta, TAG.samplesPerPixel) ?? 1) === 3;
}

/** The window an image opens with: the file's, else auto; colour images their identity window. */
function defaultWindow(meta: DicomJson | undefined, frame: LoadedFrame | undefined): Window {
  if (isColour(meta)) return RGB_IDENTITY_WINDOW;
  const stored = frame?.kind === 'pixels' ? frame.stored : { min: 0, max: 255 };
  return initialWindow(
    tagNumbers(meta, TAG.windowCenter),
    tagNumbers(meta, TAG.windowWidth),
    modalityRange(stored, rescaleOf(meta)),
  );
}

/** YYYYMMDD → YYYY-MM-DD (a DICOM DA). */
function formatDate(da: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec((da ?? '').trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : da;
}

function round(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function sortImages(seriesUid: string, metadata: DicomJson[]): ImageEntry[] {
  const sorted = [...metadata].sort((a, b) => {
    const na = tagNumber(a, TAG.instanceNumber) ?? Number.MAX_SAFE_INTEGER;
    const nb = tagNumber(b, TAG.instanceNumber) ?? Number.MAX_SAFE_INTEGER;
    if (na !== nb) return na - nb;
    return (tagString(a, TAG.sopInstanceUid) ?? '').localeCompare(tagString(b, TAG.sopInstanceUid) ?? '');
  });
  const images: ImageEntry[] = [];
  for (const meta of sorted) {
    const instanceUid = tagString(meta, TAG.sopInstanceUid);
    if (!instanceUid) continue;
    const frames = Math.max(1, tagNumber(meta, TAG.numberOfFrames) ?? 1);
    for (let frame = 1; frame <= frames; frame++) images.push({ seriesUid, instanceUid, frame, meta });
  }
  return images;
}

async function decodeRendered(blob: Blob): Promise<LoadedFrame> {
  const bitmap = await createImageBitmap(blob);
  return { kind: 'rendered', bitmap, bytes: bitmap.width * bitmap.height * 4 };
}

export function DicomViewer(props: {
  studyUid: string;
  onMeasure?: (m: { seriesUid: string; instanceUid: string; mm: number }[]) => void;
}) {
  const { studyUid } = props;
  const { t } = useTranslation();
  const helpId = useId();
  const wwId = useId();
  const wcId = useId();

  const [series, setSeries] = useState<SeriesEntry[] | null>(null);
  const [seriesError, setSeriesError] = useState<string | null>(null);
  const [thumbnails, setThumbnails] = useState<Record<string, string>>({});
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [seriesUid, setSeriesUid] = useState<string | null>(null);
  const [images, setImages] = useState<ImageEntry[] | null>(null);
  const [imagesError, setImagesError] = useState<string | null>(null);
  const [index, setIndex] = useState(0);
  const [shown, setShown] = useState<{ key: string; frame: LoadedFrame } | null>(null);
  const [frameError, setFrameError] = useState<string | null>(null);
  const [windowSet, setWindowSet] = useState<Window | null>(null);
  const [invert, setInvert] = useState(false);
  const [viewSet, setViewSet] = useState<View | null>(null);
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  const [tool, setTool] = useState<Tool>('windowLevel');
  const [measurements, setMeasurements] = useState<Measurement[]>([]);
  const [pending, setPending] = useState<Point | null>(null);
  const [hover, setHover] = useState<Point | null>(null);

  const viewportRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const cache = useRef(new Map<string, LoadedFrame>());
  const inflight = useRef(new Map<string, Promise<LoadedFrame>>());
  const seriesAbort = useRef<AbortController | null>(null);
  const gotoAfterLoad = useRef<string | null>(null);
  const nextMeasurementId = useRef(1);
  const drag = useRef<{
    mode: 'windowLevel' | 'pan' | 'zoom';
    x: number;
    y: number;
    window: Window;
    view: View;
    anchor: Point;
    pointerId: number;
  } | null>(null);
  const wheelRest = useRef(0);
  const onMeasureRef = useRef(props.onMeasure);
  onMeasureRef.current = props.onMeasure;

  // The study's series (QIDO-RS), in series-number order; the first is opened.
  useEffect(() => {
    const ac = new AbortController();
    setSeries(null);
    setSeriesError(null);
    setSeriesUid(null);
    setMeasurements([]);
    searchSeries(studyUid, ac.signal)
      .then((items) => {
        const list = items
          .map((item) => ({
            uid: tagString(item, TAG.seriesInstanceUid) ?? '',
            number: tagNumber(item, TAG.seriesNumber),
            description: tagString(item, TAG.seriesDescription) ?? '',
            modality: tagString(item, TAG.modality) ?? '',
            count: tagNumber(item, TAG.seriesRelatedInstances),
          }))
          .filter((s) => s.uid)
          .sort((a, b) => (a.number ?? Number.MAX_SAFE_INTEGER) - (b.number ?? Number.MAX_SAFE_INTEGER));
        setSeries(list);
        setSeriesUid(list[0]?.uid ?? null);
      })
      .catch((error: Error) => {
        if (!ac.signal.aborted) setSeriesError(error.message);
      });
    return () => ac.abort();
  }, [studyUid]);

  // Thumbnails: each series' first instance, rendered by the server (and its image count if QIDO had none).
  useEffect(() => {
    if (!series || series.length === 0) return;
    const ac = new AbortController();
    const urls: string[] = [];
    void (async () => {
      for (const s of series) {
        try {
          const instances = await searchInstances(studyUid, s.uid, ac.signal);
          if (s.count === undefined) setCounts((c) => ({ ...c, [s.uid]: instances.length }));
          const first = [...instances].sort(
            (a, b) => (tagNumber(a, TAG.instanceNumber) ?? 0) - (tagNumber(b, TAG.instanceNumber) ?? 0),
          )[0];
          const uid = tagString(first, TAG.sopInstanceUid);
          if (!uid) continue;
          const blob = await fetchRendered(studyUid, s.uid, uid, ac.signal);
          if (ac.signal.aborted) return;
          const url = URL.createObjectURL(blob);
          urls.push(url);
          setThumbnails((th) => ({ ...th, [s.uid]: url }));
        } catch {
          if (ac.signal.aborted) return;
          // No thumbnail: the series button shows its text only.
        }
      }
    })();
    return () => {
      ac.abort();
      for (const url of urls) URL.revokeObjectURL(url);
      setThumbnails({});
      setCounts({});
    };
  }, [studyUid, series]);

  // The open series' metadata (WADO-RS): its images in instance-number order.
  useEffect(() => {
    seriesAbort.current?.abort();
    cache.current.clear();
    inflight.current.clear();
    setImages(null);
    setImagesError(null);
    setShown(null);
    setFrameError(null);
    setWindowSet(null);
    setViewSet(null);
    setPending(null);
    if (!seriesUid) return;
    const ac = new AbortController();
    seriesAbort.current = ac;
    seriesMetadata(studyUid, seriesUid, ac.signal)
      .then((metadata) => {
        const list = sortImages(seriesUid, metadata);
        setImages(list);
        const goto = gotoAfterLoad.current;
        gotoAfterLoad.current = null;
        const at = goto ? list.findIndex((img) => imageKey(img) === goto) : -1;
        setIndex(at >= 0 ? at : 0);
      })
      .catch((error: Error) => {
        if (!ac.signal.aborted) setImagesError(error.message);
      });
    return () => ac.abort();
  }, [studyUid, seriesUid]);

  const loadFrame = useCallback(
    (image: ImageEntry): Promise<LoadedFrame> => {
      const key = imageKey(image);
      const cached = cache.current.get(key);
      if (cached) {
        cache.current.delete(key);
        cache.current.set(key, cached); // most recently used last
        return Promise.resolve(cached);
      }
      const running = inflight.current.get(key);
      if (running) return running;
      const signal = seriesAbort.current?.signal;
      const series = image.seriesUid;
      const promise = (async (): Promise<LoadedFrame> => {
        try {
          const bytes = await fetchFrame(studyUid, series, image.instanceUid, image.frame, signal);
          const format = formatOf(image.meta);
          const pixels = decodeFrame(bytes, format);
          const stored = storedRange(pixels);
          return { kind: 'pixels', format, pixels, stored, bytes: pixels.byteLength };
        } catch (error) {
          if (signal?.aborted) throw error;
          // The raw pixels failed (unsupported layout, server error): show the server's rendering instead.
          return decodeRendered(await fetchRendered(studyUid, series, image.instanceUid, signal));
        }
      })();
      inflight.current.set(key, promise);
      promise
        .then((frame) => {
          if (signal?.aborted) return;
          cache.current.set(key, frame);
          let total = 0;
          for (const f of cache.current.values()) total += f.bytes;
          for (const [k, f] of cache.current) {
            if (total <= CACHE_BYTES) break;
            cache.current.delete(k);
            total -= f.bytes;
          }
        })
        .catch(() => {})
        .finally(() => inflight.current.delete(key));
      return promise;
    },
    [studyUid],
  );

  // The current image, then its neighbours in the background.
  useEffect(() => {
    // Until the new series' metadata arrives, `images` still holds the previous series: load nothing.
    if (!images || images.length === 0 || images[0].seriesUid !== seriesUid) return;
    const image = images[Math.min(index, images.length - 1)];
    let live = true;
    loadFrame(image)
      .then((frame) => {
        if (!live) return;
        setShown({ key: imageKey(image), frame });
        setFrameError(null);
      })
      .catch((error: Error) => {
        if (live && !seriesAbort.current?.signal.aborted) setFrameError(error.message);
      });
    for (let d = 1; d <= PREFETCH; d++) {
      for (const i of [index + d, index - d]) {
        if (i >= 0 && i < images.length) loadFrame(images[i]).catch(() => {});
      }
    }
    return () => {
      live = false;
    };
  }, [images, index, loadFrame, seriesUid]);

  // The viewport's size in CSS pixels.
  useEffect(() => {
    const element = viewportRef.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      const box = entry.contentRect;
      setSize({ width: Math.round(box.width), height: Math.round(box.height) });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const shownIndex = images && shown ? images.findIndex((img) => imageKey(img) === shown.key) : -1;
  const shownImage = shownIndex >= 0 && images ? images[shownIndex] : undefined;
  const meta = shownImage?.meta ?? images?.[0]?.meta;
  const frame = shownIndex >= 0 ? shown?.frame : undefined;
  const currentSeries = series?.find((s) => s.uid === seriesUid);
  const modality = tagString(meta, TAG.modality) ?? currentSeries?.modality ?? '';
  const spacing: Spacing | undefined = useMemo(() => spacingOf(tagNumbers(meta, TAG.pixelSpacing)), [meta]);
  const imageSize: Size = useMemo(
    () =>
      frame?.kind === 'rendered'
        ? { width: frame.bitmap.width, height: frame.bitmap.height }
        : { width: tagNumber(meta, TAG.columns) ?? 0, height: tagNumber(meta, TAG.rows) ?? 0 },
    [frame, meta],
  );
  const displayAspect = frame?.kind === 'rendered' ? 1 : aspectOf(spacing);
  const view = useMemo(
    () => viewSet ?? fitView(imageSize, size, displayAspect),
    [viewSet, imageSize, size, displayAspect],
  );
  const win = useMemo(() => windowSet ?? defaultWindow(meta, frame), [windowSet, meta, frame]);
  const colour = isColour(meta);
  const valueRange =
    frame?.kind === 'pixels' ? modalityRange(frame.stored, rescaleOf(meta)) : { min: 0, max: 255 };
  const windowAdjustable = frame?.kind === 'pixels';

  // The frame through the window into an image-sized canvas; drawn scaled onto the viewport below.
  const source = useMemo(() => {
    if (!frame) return null;
    if (frame.kind === 'rendered') return frame.bitmap;
    const { columns, rows } = frame.format;
    if (!(columns > 0 && rows > 0)) return null;
    const off = document.createElement('canvas');
    off.width = columns;
    off.height = rows;
    const ctx = off.getContext('2d');
    if (!ctx) return null;
    const data = ctx.createImageData(columns, rows);
    if (colour) {
      renderRgb(frame.pixels, frame.format.planarConfiguration === 1, { window: win, invert }, data.data);
    } else {
      renderGrey(
        frame.pixels,
        {
          rescale: rescaleOf(meta),
          window: win,
          voiFunction: voiFunctionOf(meta),
          photometric: photometricOf(meta),
          invert,
        },
        data.data,
      );
    }
    ctx.putImageData(data, 0, 0);
    return off;
  }, [frame, meta, colour, win, invert]);

  const shownMeasurements = useMemo(
    () =>
      shownImage
        ? measurements.filter((m) => m.instanceUid === shownImage.instanceUid && m.frame === shownImage.frame)
        : [],
    [measurements, shownImage],
  );

  // Draw: the image at its zoom and pan, then this image's measurements.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || size.width === 0 || size.height === 0) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(size.width * dpr);
    const h = Math.round(size.height * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, size.width, size.height);
    if (!source) return;
    const o = origin(view, imageSize, size, displayAspect);
    // Magnified pixels stay crisp squares; a reduced image is smoothed.
    ctx.imageSmoothingEnabled = view.scale < 1;
    ctx.drawImage(
      source,
      o.x,
      o.y,
      imageSize.width * view.scale,
      imageSize.height * view.scale * displayAspect,
    );
    const toCanvas = (p: Point) => imageToCanvas(p, view, imageSize, size, displayAspect);
    ctx.lineWidth = 2;
    ctx.font = '13px sans-serif';
    ctx.textBaseline = 'middle';
    const drawLine = (a: Point, b: Point, label?: string) => {
      const ca = toCanvas(a);
      const cb = toCanvas(b);
      ctx.strokeStyle = '#ffd400';
      ctx.fillStyle = '#ffd400';
      ctx.beginPath();
      ctx.moveTo(ca.x, ca.y);
      ctx.lineTo(cb.x, cb.y);
      ctx.stroke();
      for (const p of [ca, cb]) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, 3, 0, Math.PI * 2);
        ctx.fill();
      }
      if (label) {
        const x = Math.max(ca.x, cb.x) + 8;
        const y = (ca.y + cb.y) / 2;
        const width = ctx.measureText(label).width;
        ctx.fillStyle = 'rgba(0, 0, 0, 0.75)';
        ctx.fillRect(x - 3, y - 9, width + 6, 18);
        ctx.fillStyle = '#ffd400';
        ctx.fillText(label, x, y);
      }
    };
    for (const m of shownMeasurements) {
      drawLine(m.a, m.b, `${measurements.indexOf(m) + 1}: ${formatDistance(m.distance)}`);
    }
    if (pending) {
      const end = hover ?? pending;
      drawLine(pending, end, hover ? formatDistance(distance(pending, hover, spacing)) : undefined);
    }
  }, [
    source,
    view,
    imageSize,
    size,
    displayAspect,
    shownMeasurements,
    measurements,
    pending,
    hover,
    spacing,
  ]);

  // Report calibrated measurements to the page (mm only: a pixel distance is not a length).
  const reported = useRef('[]');
  useEffect(() => {
    const list = measurements
      .filter((m) => m.distance.unit === 'mm')
      .map((m) => ({
        seriesUid: m.seriesUid,
        instanceUid: m.instanceUid,
        mm: Math.round(m.distance.value * 10) / 10,
      }));
    const key = JSON.stringify(list);
    if (key === reported.current) return;
    reported.current = key;
    onMeasureRef.current?.(list);
  }, [measurements]);

  const count = images?.length ?? 0;
  const go = useCallback(
    (steps: number) => {
      setIndex((i) => stepIndex(i, steps, count));
      setPending(null);
    },
    [count],
  );

  const zoomBy = (factor: number, anchor?: Point) => {
    const at = anchor ?? { x: size.width / 2, y: size.height / 2 };
    setViewSet(zoomAt(view, factor, at, imageSize, size, displayAspect));
  };

  const resetAll = () => {
    setWindowSet(null);
    setViewSet(null);
    setInvert(false);
    setPending(null);
  };

  const applyPreset = (id: PresetId) => {
    if (id === 'file') setWindowSet(null);
    else if (id === 'auto') setWindowSet(autoWindow(valueRange));
    else {
      const preset = presetsFor(modality).find((p) => p.id === id);
      if (preset?.window) setWindowSet(preset.window);
    }
  };

  // Wheel: scroll through the series; with Ctrl (or ⌘) zoom about the pointer. Not passive: the page
  // must not scroll or zoom under the image.
  const wheelHandler = useRef<(e: WheelEvent) => void>(() => {});
  wheelHandler.current = (e: WheelEvent) => {
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? 400 : 1;
    const dy = e.deltaY * unit;
    if (e.ctrlKey || e.metaKey) {
      const rect = (e.currentTarget as HTMLElement).getBoundingClientRect();
      zoomBy(wheelZoomFactor(dy), { x: e.clientX - rect.left, y: e.clientY - rect.top });
      return;
    }
    // One mouse-wheel notch (≈100 px) is one image; a trackpad's small deltas add up to the same.
    wheelRest.current += dy;
    const steps = Math.trunc(wheelRest.current / WHEEL_STEP_PX);
    if (steps !== 0) {
      wheelRest.current -= steps * WHEEL_STEP_PX;
      go(steps);
    }
  };
  useEffect(() => {
    const element = viewportRef.current;
    if (!element) return;
    const listener = (e: WheelEvent) => wheelHandler.current(e);
    element.addEventListener('wheel', listener, { passive: false });
    return () => element.removeEventListener('wheel', listener);
  }, []);

  const pointOf = (e: ReactPointerEvent<HTMLElement>): Point => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    viewportRef.current?.focus();
    if (!frame) return;
    const p = pointOf(e);
    let mode: 'windowLevel' | 'pan' | 'zoom' | 'measure';
    if (e.button === 2) mode = 'windowLevel';
    else if (e.button === 1) mode = 'pan';
    else if (e.button === 0) mode = tool;
    else return;
    e.preventDefault();
    if (mode === 'measure') {
      const ip = canvasToImage(p, view, imageSize, size, displayAspect);
      if (!onImage(ip, imageSize) || !shownImage || !seriesUid) return;
      if (!pending) {
        setPending(ip);
        setHover(null);
        return;
      }
      const d = distance(pending, ip, frame.kind === 'rendered' ? undefined : spacing);
      setMeasurements((list) => [
        ...list,
        {
          id: nextMeasurementId.current++,
          seriesUid,
          instanceUid: shownImage.instanceUid,
          frame: shownImage.frame,
          a: pending,
          b: ip,
          distance: d,
        },
      ]);
      setPending(null);
      setHover(null);
      return;
    }
    if (mode === 'windowLevel' && !windowAdjustable) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { mode, x: p.x, y: p.y, window: win, view, anchor: p, pointerId: e.pointerId };
  };

  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const p = pointOf(e);
    const d = drag.current;
    if (d && d.pointerId === e.pointerId) {
      const dx = p.x - d.x;
      const dy = p.y - d.y;
      if (d.mode === 'windowLevel')
        setWindowSet(dragWindow(d.window, dx, dy, valueRange.max - valueRange.min));
      else if (d.mode === 'pan') setViewSet(panBy(d.view, dx, dy));
      else setViewSet(zoomAt(d.view, 1.01 ** -dy, d.anchor, imageSize, size, displayAspect));
      return;
    }
    if (pending) setHover(canvasToImage(p, view, imageSize, size, displayAspect));
  };

  const endDrag = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (drag.current?.pointerId === e.pointerId) drag.current = null;
  };

  const onViewportKey = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    const steps: Record<string, number> = {
      ArrowDown: 1,
      ArrowRight: 1,
      ArrowUp: -1,
      ArrowLeft: -1,
      PageDown: 10,
      PageUp: -10,
      Home: -count,
      End: count,
    };
    if (e.key in steps) {
      e.preventDefault();
      e.stopPropagation();
      go(steps[e.key]);
    }
  };

  // Tool and action keys anywhere in the viewer except while typing a number.
  const onRootKey = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, [role="slider"]')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const key = e.key.length === 1 ? e.key.toUpperCase() : e.key;
    const byKey: Record<string, () => void> = {
      W: () => setTool('windowLevel'),
      P: () => setTool('pan'),
      Z: () => setTool('zoom'),
      M: () => setTool('measure'),
      I: () => setInvert((v) => !v),
      F: () => setViewSet(null),
      R: resetAll,
      '+': () => zoomBy(1.25),
      '=': () => zoomBy(1.25),
      '-': () => zoomBy(1 / 1.25),
      Escape: () => {
        setPending(null);
        setHover(null);
      },
    };
    const action = byKey[key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  const selectSeries = (uid: string) => {
    if (uid !== seriesUid) setSeriesUid(uid);
  };

  const showMeasurement = (m: Measurement) => {
    const key = imageKey(m);
    if (m.seriesUid !== seriesUid) {
      gotoAfterLoad.current = key;
      setSeriesUid(m.seriesUid);
      return;
    }
    const at = images?.findIndex((img) => imageKey(img) === key) ?? -1;
    if (at >= 0) setIndex(at);
  };

  const measurementIndex = (m: Measurement): number => {
    if (m.seriesUid !== seriesUid || !images) return 0;
    return images.findIndex((img) => img.instanceUid === m.instanceUid && img.frame === m.frame) + 1;
  };

  const zoomPercent = Math.round(view.scale * 100);
  const instanceNumber = tagNumber(meta, TAG.instanceNumber);
  const sliceLocation = tagNumber(meta, TAG.sliceLocation);
  const seriesDescription =
    tagString(meta, TAG.seriesDescription) ||
    currentSeries?.description ||
    t('dicomViewer.seriesNoDescription');
  const position = shownIndex >= 0 ? shownIndex + 1 : Math.min(index + 1, count);
  const transferSyntaxNames = t('dicomViewer.transferSyntaxNames', { returnObjects: true }) as Record<
    string,
    string
  >;
  const transferSyntax =
    tagString(meta, TAG.transferSyntax) ?? tagString(meta, TAG.availableTransferSyntax) ?? undefined;
  const none = t('dicomViewer.meta.none');

  const canvasLabel = t('dicomViewer.viewportLabel', {
    modality: modality || none,
    index: position,
    count,
    series: seriesDescription,
    instance: instanceNumber ?? none,
    width: round(win.width),
    center: round(win.center),
    zoom: zoomPercent,
    inverted: invert ? t('dicomViewer.invertedSuffix') : '',
  });

  const toolButtons: { id: Tool; icon: React.ReactNode }[] = [
    { id: 'windowLevel', icon: <BgColorsOutlined /> },
    { id: 'pan', icon: <DragOutlined /> },
    { id: 'zoom', icon: <SearchOutlined /> },
    { id: 'measure', icon: <ColumnWidthOutlined /> },
  ];

  if (seriesError) {
    return <Alert type="error" showIcon title={t('dicomViewer.loadFailed', { message: seriesError })} />;
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: keyboard shortcuts for the viewer's own controls
    <div className="dicom-viewer" onKeyDown={onRootKey}>
      <nav className="dicom-viewer__series" aria-label={t('dicomViewer.seriesList')}>
        {series === null ? (
          <Spin aria-label={t('dicomViewer.loading')} />
        ) : series.length === 0 ? (
          <p>{t('dicomViewer.noSeries')}</p>
        ) : (
          <ul>
            {series.map((s) => {
              const description = s.description || t('dicomViewer.seriesNoDescription');
              return (
                <li key={s.uid}>
                  <button
                    type="button"
                    className="dicom-viewer__series-button"
                    aria-pressed={s.uid === seriesUid}
                    onClick={() => selectSeries(s.uid)}
                  >
                    {thumbnails[s.uid] ? (
                      <img src={thumbnails[s.uid]} alt="" width={96} height={96} />
                    ) : (
                      <span className="dicom-viewer__thumb-placeholder" aria-hidden="true">
                        {s.modality}
                      </span>
                    )}
                    <span className="dicom-viewer__series-text">
                      <span className="dicom-viewer__series-title">
                        {s.number !== undefined ? `${s.number}. ` : ''}
                        {description}
                      </span>
                      <span>
                        {s.modality} · {t('dicomViewer.imageCount', { count: s.count ?? counts[s.uid] ?? 0 })}
                      </span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </nav>

      <section className="dicom-viewer__main" aria-label={t('dicomViewer.title')}>
        <div className="dicom-viewer__toolbar" role="toolbar" aria-label={t('dicomViewer.toolbar')}>
          <span className="dicom-viewer__group">
            {toolButtons.map(({ id, icon }) => (
              <Button
                key={id}
                size="small"
                icon={icon}
                type={tool === id ? 'primary' : 'default'}
                aria-pressed={tool === id}
                title={t('dicomViewer.toolHint', { tool: t(`dicomViewer.tools.${id}`), key: TOOL_KEYS[id] })}
                onClick={() => setTool(id)}
              >
                {t(`dicomViewer.tools.${id}`)}
              </Button>
            ))}
          </span>
          <span className="dicom-viewer__group">
            <Button
              size="small"
              icon={<ZoomInOutlined />}
              aria-label={t('dicomViewer.zoomIn')}
              title={`${t('dicomViewer.zoomIn')} (+)`}
              onClick={() => zoomBy(1.25)}
            />
            <Button
              size="small"
              icon={<ZoomOutOutlined />}
              aria-label={t('dicomViewer.zoomOut')}
              title={`${t('dicomViewer.zoomOut')} (-)`}
              onClick={() => zoomBy(1 / 1.25)}
            />
            <Button
              size="small"
              icon={<ExpandOutlined />}
              title={t('dicomViewer.fitHint')}
              onClick={() => setViewSet(null)}
            >
              {t('dicomViewer.fit')}
            </Button>
            <Button
              size="small"
              icon={<SwapOutlined />}
              aria-pressed={invert}
              type={invert ? 'primary' : 'default'}
              title={t('dicomViewer.invertHint')}
              onClick={() => setInvert((v) => !v)}
            >
              {t('dicomViewer.invert')}
            </Button>
            <Button
              size="small"
              icon={<ReloadOutlined />}
              title={t('dicomViewer.resetHint')}
              onClick={resetAll}
            >
              {t('dicomViewer.reset')}
            </Button>
          </span>
          <span className="dicom-viewer__group">
            <label htmlFor={wwId}>{t('dicomViewer.windowWidth')}</label>
            <InputNumber
              id={wwId}
              size="small"
              min={1}
              step={10}
              value={Math.round(win.width * 10) / 10}
              disabled={!windowAdjustable}
              onChange={(v) => {
                if (typeof v === 'number' && v >= 1) setWindowSet({ center: win.center, width: v });
              }}
            />
            <label htmlFor={wcId}>{t('dicomViewer.windowCenter')}</label>
            <InputNumber
              id={wcId}
              size="small"
              step={10}
              value={Math.round(win.center * 10) / 10}
              disabled={!windowAdjustable}
              onChange={(v) => {
                if (typeof v === 'number') setWindowSet({ center: v, width: win.width });
              }}
            />
          </span>
          <span className="dicom-viewer__group">
            <span className="dicom-viewer__label">{t('dicomViewer.presets')}</span>
            {presetsFor(modality).map((p) => (
              <Button
                key={p.id}
                size="small"
                autoInsertSpace={false}
                disabled={!windowAdjustable}
                title={p.window ? `W ${p.window.width} / L ${p.window.center}` : undefined}
                onClick={() => applyPreset(p.id)}
              >
                {t(`dicomViewer.preset.${p.id}`)}
              </Button>
            ))}
          </span>
        </div>

        <p id={helpId} className="dicom-viewer__help">
          {t('dicomViewer.viewportHelp')}
        </p>

        <div
          ref={viewportRef}
          className={`dicom-viewer__viewport dicom-viewer__viewport--${tool}`}
          role="application"
          aria-label={t('dicomViewer.title')}
          aria-describedby={helpId}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the viewport takes arrow keys, wheel and drags
          tabIndex={0}
          onKeyDown={onViewportKey}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={endDrag}
          onPointerCancel={endDrag}
          onContextMenu={(e) => e.preventDefault()}
        >
          <canvas ref={canvasRef} role="img" aria-label={canvasLabel} />
          {(images === null && !imagesError && seriesUid) ||
          (images && count > 0 && !frame && !frameError) ? (
            <div className="dicom-viewer__status">
              <Spin aria-label={t('dicomViewer.loading')} />
            </div>
          ) : null}
          {imagesError || frameError ? (
            <div className="dicom-viewer__status" role="alert">
              {t('dicomViewer.loadFailed', { message: imagesError ?? frameError })}
            </div>
          ) : null}
          {images && count === 0 ? (
            <div className="dicom-viewer__status">{t('dicomViewer.noImages')}</div>
          ) : null}
          {frame ? (
            <>
              <div className="dicom-viewer__overlay dicom-viewer__overlay--tl" aria-hidden="true">
                <div>{tagString(meta, TAG.studyDescription)}</div>
                <div>{seriesDescription}</div>
                <div>{modality}</div>
              </div>
              <div className="dicom-viewer__overlay dicom-viewer__overlay--tr" aria-hidden="true">
                <div>{t('dicomViewer.overlay.image', { index: position, count })}</div>
                {instanceNumber !== undefined ? (
                  <div>{t('dicomViewer.overlay.instance', { value: instanceNumber })}</div>
                ) : null}
                {sliceLocation !== undefined ? (
                  <div>{t('dicomViewer.overlay.sliceLocation', { value: round(sliceLocation) })}</div>
                ) : null}
              </div>
              <div className="dicom-viewer__overlay dicom-viewer__overlay--bl" aria-hidden="true">
                {windowAdjustable ? (
                  <div>
                    {t('dicomViewer.overlay.window', { width: round(win.width), center: round(win.center) })}
                  </div>
                ) : (
                  <div>{t('dicomViewer.overlay.rendered')}</div>
                )}
                {invert ? <div>{t('dicomViewer.invert')}</div> : null}
              </div>
              <div className="dicom-viewer__overlay dicom-viewer__overlay--br" aria-hidden="true">
                <div>{t('dicomViewer.overlay.zoom', { value: zoomPercent })}</div>
                {!spacing || frame.kind === 'rendered' ? (
                  <div>{t('dicomViewer.overlay.uncalibrated')}</div>
                ) : null}
              </div>
            </>
          ) : null}
        </div>

        <div className="dicom-viewer__scroll">
          <Slider
            min={1}
            max={Math.max(count, 1)}
            value={position || 1}
            disabled={count <= 1}
            ariaLabelForHandle={t('dicomViewer.slider')}
            ariaValueTextFormatterForHandle={(v) => t('dicomViewer.overlay.image', { index: v, count })}
            onChange={(v) => {
              setIndex((typeof v === 'number' ? v : 1) - 1);
              setPending(null);
            }}
          />
          <span className="dicom-viewer__position" aria-live="polite">
            {t('dicomViewer.overlay.image', { index: position, count })}
          </span>
        </div>
        {pending ? (
          <p className="dicom-viewer__pending" role="status">
            {t('dicomViewer.measurePending')}
          </p>
        ) : null}
      </section>

      <aside className="dicom-viewer__side">
        <section aria-labelledby={`${helpId}-meta`}>
          <h3 id={`${helpId}-meta`}>{t('dicomViewer.metadata')}</h3>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              {
                key: 'date',
                label: t('dicomViewer.meta.studyDate'),
                children: formatDate(tagString(meta, TAG.studyDate)) ?? none,
              },
              {
                key: 'study',
                label: t('dicomViewer.meta.studyDescription'),
                children: tagString(meta, TAG.studyDescription) ?? none,
              },
              { key: 'modality', label: t('dicomViewer.meta.modality'), children: modality || none },
              { key: 'series', label: t('dicomViewer.meta.seriesDescription'), children: seriesDescription },
              {
                key: 'matrix',
                label: t('dicomViewer.meta.matrix'),
                children:
                  tagNumber(meta, TAG.rows) !== undefined
                    ? `${tagNumber(meta, TAG.rows)} × ${tagNumber(meta, TAG.columns)}`
                    : none,
              },
              {
                key: 'spacing',
                label: t('dicomViewer.meta.pixelSpacing'),
                children: spacing ? `${spacing.row} × ${spacing.column} mm` : none,
              },
              {
                key: 'thickness',
                label: t('dicomViewer.meta.sliceThickness'),
                children:
                  tagNumber(meta, TAG.sliceThickness) !== undefined
                    ? `${tagNumber(meta, TAG.sliceThickness)} mm`
                    : none,
              },
              {
                key: 'window',
                label: t('dicomViewer.meta.window'),
                children:
                  tagNumbers(meta, TAG.windowWidth).length > 0
                    ? `${tagNumbers(meta, TAG.windowWidth).join('\\')} / ${tagNumbers(meta, TAG.windowCenter).join('\\')}`
                    : none,
              },
              {
                key: 'photometric',
                label: t('dicomViewer.meta.photometric'),
                children: meta ? photometricOf(meta) : none,
              },
              {
                key: 'ts',
                label: t('dicomViewer.meta.transferSyntax'),
                children: transferSyntax
                  ? `${transferSyntaxNames[transferSyntax] ?? ''} ${transferSyntax}`.trim()
                  : none,
              },
            ]}
          />
        </section>
        <section aria-labelledby={`${helpId}-measure`}>
          <h3 id={`${helpId}-measure`}>{t('dicomViewer.measurements')}</h3>
          {measurements.length === 0 ? (
            <p className="dicom-viewer__empty">{t('dicomViewer.noMeasurements')}</p>
          ) : (
            <ol className="dicom-viewer__measurements">
              {measurements.map((m, i) => {
                const n = i + 1;
                const value =
                  m.distance.unit === 'mm'
                    ? formatDistance(m.distance)
                    : `${m.distance.value.toFixed(1)} ${t('dicomViewer.measurementPx')}`;
                const at = measurementIndex(m);
                return (
                  <li key={m.id}>
                    <Button
                      type="link"
                      size="small"
                      title={t('dicomViewer.showMeasurement', { n })}
                      onClick={() => showMeasurement(m)}
                    >
                      {t('dicomViewer.measurementItem', { n, value, index: at > 0 ? at : '—' })}
                    </Button>
                    <Button
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('dicomViewer.deleteMeasurement', { n })}
                      onClick={() => setMeasurements((list) => list.filter((x) => x.id !== m.id))}
                    />
                  </li>
                );
              })}
            </ol>
          )}
        </section>
      </aside>
    </div>
  );
}
