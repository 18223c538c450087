/**
 * Reads an HTTP answer's body up to a byte limit and stops reading there, so a peer that
 * answers without end costs at most `maxBytes` of memory.
 */
export interface CappedBody {
  text: string;
  /** True when the body went on past `maxBytes` and was cut. */
  cut: boolean;
}

export interface CappedBytes {
  bytes: Buffer;
  /** True when the body went on past `maxBytes` and was cut. */
  cut: boolean;
}

export async function readBodyUpTo(res: Response, maxBytes: number): Promise<CappedBody> {
  const { bytes, cut } = await readBytesUpTo(res, maxBytes);
  return { text: bytes.toString('utf8'), cut };
}

/** The same as bytes, for a body that is no text (a download whose size and sha256 matter). */
export async function readBytesUpTo(res: Response, maxBytes: number): Promise<CappedBytes> {
  if (res.body === null) return { bytes: Buffer.alloc(0), cut: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return { bytes: Buffer.concat(chunks).subarray(0, maxBytes), cut: true };
    }
  }
  return { bytes: Buffer.concat(chunks), cut: false };
}
