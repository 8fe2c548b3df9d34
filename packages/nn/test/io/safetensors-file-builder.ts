// Builds safetensors bytes by hand (any header text, any declared length) for the hostile-file tests.

/** u64 little-endian length + header bytes + data; `declaredLength` overrides the true header length. */
export function fileFrom(
  header: string | Uint8Array,
  data: Uint8Array = new Uint8Array(0),
  declaredLength?: bigint,
) {
  const headerBytes = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

/** A header JSON for the given entries, each `[name, dtype, shape, begin, end]`. */
export function headerOf(entries: [string, string, number[], number, number][], extra = ''): string {
  const parts = entries.map(
    ([name, dtype, shape, begin, end]) =>
      `${JSON.stringify(name)}:${JSON.stringify({ dtype, shape, data_offsets: [begin, end] })}`,
  );
  if (extra !== '') parts.push(extra);
  return `{${parts.join(',')}}`;
}
