/** Reads user soundfonts given on the command line: files, or folders of *.sf2 / *.sf3 (sorted). */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SynthError } from '../errors.js';

export async function readSoundfontPaths(paths: readonly string[]): Promise<{ fileName: string; bytes: Uint8Array }[]> {
  const out: { fileName: string; bytes: Uint8Array }[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      throw new SynthError('SOUNDFONT_NOT_FOUND', `--soundfont ${p}: no such file or folder`);
    }
    const files = st.isDirectory()
      ? (await readdir(p))
          .filter((f) => /\.(sf2|sf3)$/i.test(f))
          .sort()
          .map((f) => join(p, f))
      : [p];
    if (files.length === 0) throw new SynthError('SOUNDFONT_NOT_FOUND', `--soundfont ${p}: the folder holds no .sf2 or .sf3 file`);
    for (const f of files) {
      const bytes = new Uint8Array(await readFile(f));
      out.push({ fileName: f, bytes });
    }
  }
  return out;
}
