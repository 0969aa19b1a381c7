import { readFile } from 'node:fs/promises';

export type ReadText =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly missing: boolean; readonly detail: string };

export const readUtf8 = (path: string): Promise<string> => readFile(path, 'utf8');

/** Reads a file, turning the failure into words: a missing file is the user's mistake, not a crash. */
export async function readText(path: string, read: (path: string) => Promise<string> = readUtf8): Promise<ReadText> {
  try {
    return { ok: true, text: await read(path) };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT') return { ok: false, missing: true, detail: 'no such file' };
    if (code === 'EISDIR') return { ok: false, missing: false, detail: 'it is a folder, not a file' };
    return { ok: false, missing: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
