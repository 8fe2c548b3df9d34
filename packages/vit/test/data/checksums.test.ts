import { describe, expect, it } from 'vitest';
import { hashBytes, KNOWN_CHECKSUMS, verifyChecksum } from '../../src/data/index';

const bytes = new TextEncoder().encode('hello');

describe('verifyChecksum', () => {
  it('returns unknown for files not in the table', () => {
    expect(verifyChecksum('/tmp/whatever.bin', bytes)).toEqual({ status: 'unknown', file: 'whatever.bin' });
  });

  it('accepts a match and reports which entry matched', () => {
    const table = [
      {
        dataset: 'toy',
        file: 'a.gz',
        algorithm: 'sha256' as const,
        hex: hashBytes(bytes, 'sha256'),
        source: 'test',
      },
    ];
    expect(verifyChecksum('/d/a.gz', bytes, undefined, table)).toMatchObject({
      status: 'verified',
      dataset: 'toy',
    });
  });

  it('on mismatch names the file, the expected and the actual hash', () => {
    const md5 = hashBytes(bytes, 'md5');
    expect(md5).toBe('5d41402abc4b2a76b9719d911017c592');
    expect(() => verifyChecksum('/data/train-images-idx3-ubyte.gz', bytes, 'fashion-mnist')).toThrow(
      new RegExp(
        `checksum mismatch for /data/train-images-idx3-ubyte\\.gz: expected md5 8d4fb7e6c68d591d4c3dfef9ec88bf0d \\(fashion-mnist\\), actual md5 ${md5}`,
      ),
    );
  });

  it('the table holds the documented hashes as lowercase hex of the right length', () => {
    for (const e of KNOWN_CHECKSUMS)
      expect(e.hex).toMatch(e.algorithm === 'md5' ? /^[0-9a-f]{32}$/ : /^[0-9a-f]{64}$/);
    expect(KNOWN_CHECKSUMS.find((e) => e.file === 'cifar-10-binary.tar.gz')?.hex).toBe(
      'c32a1d4ab5d03f1284b67883e8d87530',
    );
  });
});
