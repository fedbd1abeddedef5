import type { DeviceProfile } from '../types';

const u32 = (name: string, offset: number, qemuDefault: number, doc: string) =>
  ({ name, offset, width: 4 as const, type: 'uint' as const, qemuDefault, doc });

/** virtio-crypto (device ID 20). Modern-only in QEMU (not in virtio_legacy_allowed()). */
export const crypto: DeviceProfile = {
  name: 'crypto',
  virtioId: 20,
  linuxDriver: 'virtio_crypto',
  source: 'torvalds/linux include/uapi/linux/virtio_crypto.h (struct virtio_crypto_config)',
  features: [],
  config: [
    u32('status', 0, 1, 'VIRTIO_CRYPTO_S_HW_READY.'),
    u32('max_dataqueues', 4, 1, 'Most data queues.'),
    u32('crypto_services', 8, 0x1f, 'Service bitmap.'),
    u32('cipher_algo_l', 12, 0, 'Cipher algorithms, low word.'),
    u32('cipher_algo_h', 16, 0, 'Cipher algorithms, high word.'),
    u32('hash_algo', 20, 0, 'Hash algorithms.'),
    u32('mac_algo_l', 24, 0, 'MAC algorithms, low word.'),
    u32('mac_algo_h', 28, 0, 'MAC algorithms, high word.'),
    u32('aead_algo', 32, 0, 'AEAD algorithms.'),
    u32('max_cipher_key_len', 36, 64, 'Longest cipher key.'),
    u32('max_auth_key_len', 40, 512, 'Longest auth key.'),
    u32('akcipher_algo', 44, 0, 'Asymmetric cipher algorithms.'),
    { name: 'max_size', offset: 48, width: 8, type: 'uint', qemuDefault: 0, doc: 'Largest request.' },
  ],
  qemuOffers: [],
  legacyAllowed: false,
  qemuModelSince: '2.8',
  vhostUser: { since: '2.12', config: 'qemu', source: 'qemu/qemu backends/cryptodev-vhost-user.c: a cryptodev backend; the virtio-crypto device model keeps config', unverified: 'config source for vhost-user crypto by code reading' },
  guestValues: [],
};
