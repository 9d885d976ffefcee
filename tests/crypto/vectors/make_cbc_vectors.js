// Owns the independent generation of the legacy AES-256-CBC test vectors in docs/formats.md,
// written the way the Node.js web app writes its rows: hex(iv) + ':' + hex(ciphertext).
'use strict';
const crypto = require('crypto');

const vectors = [
  { name: 'legacy-token', key: Buffer.from('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4', 'hex'),
    iv: Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'), plaintext: Buffer.from('Atzr|legacy-node-refresh-token-0001') },
  { name: 'legacy-full-block', key: Buffer.from('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4', 'hex'),
    iv: Buffer.from('f0e0d0c0b0a090807060504030201000', 'hex'), plaintext: Buffer.from('exactly16bytes!!') },
];

for (const v of vectors) {
  const c = crypto.createCipheriv('aes-256-cbc', v.key, v.iv);
  const stored = v.iv.toString('hex') + ':' + Buffer.concat([c.update(v.plaintext), c.final()]).toString('hex');
  console.log('```vector');
  console.log(`vector: ${v.name}`);
  console.log(`key: ${v.key.toString('hex')}`);
  console.log(`plaintext: ${v.plaintext.toString('hex')}`);
  console.log(`stored: ${stored}`);
  console.log('```');
  console.log();
}
