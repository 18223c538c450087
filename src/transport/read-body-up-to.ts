/**
 * Reads an HTTP answer's body up to a byte limit and stops reading there, so a peer that
 * answers without end costs at most `maxBytes` of memory.
 */
export interface CappedBody {
  text: string;
  /** True when the body went on past `maxBytes` and was cut. */
  cut: boolean;
}

export async function readBodyUpTo(res: Response, maxBytes: number): Promise<CappedBody> {
  if (res.body === null) return { text: '', cut: false };
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
      return { text: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'), cut: true };
    }
  }
  return { text: Buffer.concat(chunks).toString('utf8'), cut: false };
}
