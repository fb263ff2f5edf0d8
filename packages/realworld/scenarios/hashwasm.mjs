/**
 * hash-wasm (hand-tuned clang output, one small module per algorithm,
 * compiled on first use): many digests of 2 MiB, incremental hashing in
 * chunks, and the password hashes (argon2id, bcrypt, scrypt, PBKDF2).
 */
import { createRequire } from 'node:module';
import { randomBytes } from './data.mjs';

const require = createRequire(import.meta.url);

/** The digest functions of one argument, one module each, compiled on first use. */
export const ALGORITHMS = [
  ...['md5', 'sha1', 'sha256', 'sha512', 'sha3', 'keccak', 'blake2b', 'blake2s', 'blake3'],
  ...['xxhash32', 'xxhash64', 'xxhash3', 'xxhash128', 'crc32', 'crc64', 'adler32', 'ripemd160'],
  ...['whirlpool', 'sm3', 'md4'],
];

export async function run(time) {
  const hw = require('hash-wasm');
  const data = randomBytes(2 << 20);
  const outputs = {};
  await time('load', async () => {
    // Each algorithm's module is compiled on first use: touch them all once.
    for (const name of ALGORITHMS) await hw[name](new Uint8Array(1));
  });
  await time('work', async () => {
    const digests = {
      md4: () => hw.md4(data),
      md5: () => hw.md5(data),
      sha1: () => hw.sha1(data),
      sha224: () => hw.sha224(data),
      sha256: () => hw.sha256(data),
      sha384: () => hw.sha384(data),
      sha512: () => hw.sha512(data),
      'sha3-256': () => hw.sha3(data, 256),
      'sha3-512': () => hw.sha3(data, 512),
      keccak: () => hw.keccak(data, 256),
      blake2b: () => hw.blake2b(data),
      blake2s: () => hw.blake2s(data),
      blake3: () => hw.blake3(data),
      xxhash32: () => hw.xxhash32(data, 7),
      xxhash64: () => hw.xxhash64(data),
      xxhash3: () => hw.xxhash3(data),
      xxhash128: () => hw.xxhash128(data),
      crc32: () => hw.crc32(data),
      crc32c: () => hw.crc32(data, 0x82f63b78),
      crc64: () => hw.crc64(data),
      adler32: () => hw.adler32(data),
      ripemd160: () => hw.ripemd160(data),
      whirlpool: () => hw.whirlpool(data),
      sm3: () => hw.sm3(data),
    };
    for (const [name, digest] of Object.entries(digests)) outputs[name] = await digest();
    const incremental = await hw.createSHA256();
    incremental.init();
    for (let at = 0; at < data.length; at += 65_537) incremental.update(data.subarray(at, at + 65_537));
    outputs['sha256 incremental'] = incremental.digest('hex');
    const hmac = await hw.createHMAC(hw.createSHA512(), 'key');
    hmac.init();
    hmac.update(data.subarray(0, 1 << 20));
    outputs['hmac-sha512'] = hmac.digest('binary');
    const salt = data.subarray(100, 116);
    outputs.argon2id = await hw.argon2id({
      password: 'pw',
      salt,
      parallelism: 1,
      iterations: 2,
      memorySize: 1024,
      hashLength: 32,
      outputType: 'hex',
    });
    outputs.bcrypt = await hw.bcrypt({ password: 'pw', salt, costFactor: 6, outputType: 'encoded' });
    outputs.scrypt = await hw.scrypt({
      password: 'pw',
      salt,
      costFactor: 1024,
      blockSize: 8,
      parallelism: 1,
      hashLength: 32,
      outputType: 'hex',
    });
    outputs.pbkdf2 = await hw.pbkdf2({
      password: 'pw',
      salt,
      iterations: 2000,
      hashLength: 32,
      hashFunction: hw.createSHA1(),
      outputType: 'hex',
    });
  });
  return outputs;
}
