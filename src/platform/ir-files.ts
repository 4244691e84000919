/** Reads user impulse responses (--ir-dir): every .wav/.flac in a folder, sorted, decoded to mono 44.1 kHz. */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AugmentError } from '../errors.js';
import { decodeImpulseResponse } from '../augment/index.js';
import { sha256Hex } from '../synth/soundfonts.js';

export async function readImpulseResponses(dir: string): Promise<{ name: string; samples: Float32Array; sha256: string }[]> {
  let st;
  try {
    st = await stat(dir);
  } catch {
    throw new AugmentError('IR_NOT_FOUND', `--ir-dir ${dir}: no such folder`);
  }
  if (!st.isDirectory()) throw new AugmentError('IR_NOT_FOUND', `--ir-dir ${dir}: expected a folder of .wav/.flac files, got a file`);
  const files = (await readdir(dir)).filter((f) => /\.(wav|flac)$/i.test(f)).sort();
  if (files.length === 0) throw new AugmentError('IR_NOT_FOUND', `--ir-dir ${dir}: the folder holds no .wav or .flac file`);
  const out = [];
  for (const f of files) {
    const bytes = new Uint8Array(await readFile(join(dir, f)));
    out.push({ name: f, samples: await decodeImpulseResponse(bytes, join(dir, f)), sha256: await sha256Hex(bytes) });
  }
  return out;
}
