import { redact } from '../../src/db/redact';

test('When a URL carries a password, then logs show the user and host but not the password', () => {
  expect(redact('postgresql://virtio:s3cr:et@postgres:5432/vm?schema=public')).toBe('postgresql://virtio:***@postgres:5432/vm?schema=public');
  expect(redact('redis://:hunter2@redis:6379')).toBe('redis://:***@redis:6379');
  expect(redact('postgresql://postgres@127.0.0.1:5432/test')).toBe('postgresql://postgres@127.0.0.1:5432/test');
  expect(redact('file:./data/virtio-matrix.db')).toBe('file:./data/virtio-matrix.db');
  expect(redact('postgresql://u:p@ss@db:5432/vm?schema=a@b')).toBe('postgresql://u:***@db:5432/vm?schema=a@b');
});
