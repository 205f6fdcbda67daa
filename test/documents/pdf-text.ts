import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where one PNG per rendered page lands for people to look at (git-ignored). */
export const PREVIEW_DIR = path.resolve(__dirname, '..', '..', 'test-output', 'documents');

/** The PDF's text as poppler's pdftotext reads it (layout kept), with every kind of space made a plain one. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'durapay-pdf-'));
  try {
    const file = path.join(dir, 'document.pdf');
    await writeFile(file, pdf);
    const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
    return stdout.replace(/[\u00a0\u202f\u2009]/g, ' ');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function pdfPageCount(pdf: Buffer): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'durapay-pdf-'));
  try {
    const file = path.join(dir, 'document.pdf');
    await writeFile(file, pdf);
    const { stdout } = await run('pdfinfo', [file]);
    return Number(/Pages:\s+(\d+)/.exec(stdout)?.[1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Page 1 as PREVIEW_DIR/<name>.png (pdftoppm, 80 dpi), for a person to open. */
export async function savePreview(pdf: Buffer, name: string): Promise<string> {
  await mkdir(PREVIEW_DIR, { recursive: true });
  const pdfFile = path.join(PREVIEW_DIR, `${name}.pdf`);
  await writeFile(pdfFile, pdf);
  await run('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdfFile, path.join(PREVIEW_DIR, name)]);
  return path.join(PREVIEW_DIR, `${name}.png`);
}
