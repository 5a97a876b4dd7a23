/**
 * A PDF with the Chinese font embedded (Noto Sans SC, subset by pdfkit to the glyphs used), as every printed
 * document of the platform needs it: the 处方笺, the health-record summary, the e-receipt. The 10 MB font is
 * read once per process, whichever document asks first.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
let fontCache: Buffer | undefined;
function chineseFont(): Buffer {
  fontCache ??= readFileSync(
    require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
  );
  return fontCache;
}

/**
 * A document set in the Chinese font, the bytes it ends as (`done`, once `pdf.end()` is called), and the
 * text column (`left` margin, `width` between the margins).
 */
export function chinesePdf(options: PDFKit.PDFDocumentOptions): {
  pdf: PDFKit.PDFDocument;
  done: Promise<Buffer>;
  left: number;
  width: number;
} {
  const pdf = new PDFDocument(options);
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.registerFont('zh', chineseFont());
  pdf.font('zh');
  const left = pdf.page.margins.left;
  return { pdf, done, left, width: pdf.page.width - left - pdf.page.margins.right };
}
