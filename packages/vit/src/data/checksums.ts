/**
 * Known checksums of dataset files (R4.3), verified on request; nothing here downloads anything.
 * Several datasets share file names (MNIST and Fashion-MNIST), so a file passes when it matches any
 * entry for its base name, and the result says which.
 */
import { createHash } from 'node:crypto';

export type HashAlgorithm = 'md5' | 'sha256';

export interface KnownChecksum {
  dataset: string;
  file: string;
  algorithm: HashAlgorithm;
  hex: string;
  source: string;
}

const FASHION_README = 'zalandoresearch/fashion-mnist README';
const DEBIAN_FASHION =
  'computed here from Debian dataset-fashion-mnist 0.0~git20200523.55506a9-1 (/usr/share/datasets/fashion-mnist); ' +
  'its .gz files are re-compressed, so they differ from the upstream .gz md5s';
const TORCHVISION_MNIST = 'torchvision MNIST.resources (copies found via find_string)';
const CIFAR_PAGE = 'cs.toronto.edu/~kriz/cifar.html (via copies)';
const TORCHVISION_RUBY = 'ankane/torchvision-ruby lib/torchvision/datasets/cifar100.rb';

function entry(
  dataset: string,
  file: string,
  algorithm: HashAlgorithm,
  hex: string,
  source: string,
): KnownChecksum {
  return { dataset, file, algorithm, hex, source };
}

/** The table of known checksums (file = base name). */
export const KNOWN_CHECKSUMS: readonly KnownChecksum[] = [
  entry(
    'fashion-mnist',
    'train-images-idx3-ubyte.gz',
    'md5',
    '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    FASHION_README,
  ),
  entry(
    'fashion-mnist',
    'train-labels-idx1-ubyte.gz',
    'md5',
    '25c81989df183df01b3e8a0aad5dffbe',
    FASHION_README,
  ),
  entry(
    'fashion-mnist',
    't10k-images-idx3-ubyte.gz',
    'md5',
    'bef4ecab320f06d8554ea6380940ec79',
    FASHION_README,
  ),
  entry(
    'fashion-mnist',
    't10k-labels-idx1-ubyte.gz',
    'md5',
    'bb300cfdad3c16e7a12a480ee83cd310',
    FASHION_README,
  ),
  entry(
    'fashion-mnist-debian',
    'train-images-idx3-ubyte.gz',
    'sha256',
    'b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7',
    DEBIAN_FASHION,
  ),
  entry(
    'fashion-mnist-debian',
    'train-labels-idx1-ubyte.gz',
    'sha256',
    '0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056',
    DEBIAN_FASHION,
  ),
  entry(
    'fashion-mnist-debian',
    't10k-images-idx3-ubyte.gz',
    'sha256',
    'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa',
    DEBIAN_FASHION,
  ),
  entry(
    'fashion-mnist-debian',
    't10k-labels-idx1-ubyte.gz',
    'sha256',
    '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05',
    DEBIAN_FASHION,
  ),
  entry('mnist', 'train-images-idx3-ubyte.gz', 'md5', 'f68b3c2dcbeaaa9fbdd348bbdeb94873', TORCHVISION_MNIST),
  entry('mnist', 'train-labels-idx1-ubyte.gz', 'md5', 'd53e105ee54ea40749a09fcbcd1e9432', TORCHVISION_MNIST),
  entry('mnist', 't10k-images-idx3-ubyte.gz', 'md5', '9fb629c4189551a2d022fa330f9573f3', TORCHVISION_MNIST),
  entry('mnist', 't10k-labels-idx1-ubyte.gz', 'md5', 'ec29112dd5afa0611ce80d1b7f02629c', TORCHVISION_MNIST),
  entry('cifar-10', 'cifar-10-binary.tar.gz', 'md5', 'c32a1d4ab5d03f1284b67883e8d87530', CIFAR_PAGE),
  entry(
    'cifar-100',
    'cifar-100-binary.tar.gz',
    'sha256',
    '58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec',
    TORCHVISION_RUBY,
  ),
  entry(
    'cifar-100',
    'train.bin',
    'sha256',
    'f31298fc616915fa142368359df1c4ca2ae984d6915ca468b998a5ec6aeebf29',
    TORCHVISION_RUBY,
  ),
  entry(
    'cifar-100',
    'test.bin',
    'sha256',
    'd8b1e6b7b3bee4020055f0699b111f60b1af1e262aeb93a0b659061746f8224a',
    TORCHVISION_RUBY,
  ),
];

/** Hex digest of `bytes`. */
export function hashBytes(bytes: Uint8Array, algorithm: HashAlgorithm): string {
  return createHash(algorithm).update(bytes).digest('hex');
}

export type ChecksumResult =
  | { status: 'verified'; dataset: string; algorithm: HashAlgorithm; hex: string }
  | { status: 'unknown'; file: string };

/**
 * Checks `bytes` against the known checksums for the base name of `path` (optionally only `dataset`'s).
 * Returns `unknown` for files not in the table; throws on a mismatch, naming the file, the expected
 * hash(es) and the actual one.
 */
export function verifyChecksum(
  path: string,
  bytes: Uint8Array,
  dataset?: string,
  table: readonly KnownChecksum[] = KNOWN_CHECKSUMS,
): ChecksumResult {
  const file = path.split(/[\\/]/).pop() ?? path;
  const candidates = table.filter((e) => e.file === file && (dataset === undefined || e.dataset === dataset));
  if (candidates.length === 0) return { status: 'unknown', file };
  const actual = new Map<HashAlgorithm, string>();
  for (const e of candidates) {
    const hex = actual.get(e.algorithm) ?? hashBytes(bytes, e.algorithm);
    actual.set(e.algorithm, hex);
    if (hex === e.hex) return { status: 'verified', dataset: e.dataset, algorithm: e.algorithm, hex };
  }
  const expected = candidates.map((e) => `${e.algorithm} ${e.hex} (${e.dataset})`).join(' or ');
  const got = [...actual].map(([a, h]) => `${a} ${h}`).join(', ');
  throw new Error(`checksum mismatch for ${path}: expected ${expected}, actual ${got}`);
}
