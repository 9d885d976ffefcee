#!/usr/bin/env python3
# Owns the independent implementation (pyca/cryptography) that produced the chunked backup
# format's test vectors in docs/backups.md. Prints the ```vector blocks; run and paste.
import hashlib
import struct

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = bytes([0xBE, 0x5A, 0x42, 0x4B])


def seal_backup(kek, key_id, data_key, backup_id, wrap_nonce, chunk_size, plaintext):
    prefix = MAGIC + bytes([1]) + struct.pack(">I", chunk_size) + backup_id + bytes([len(key_id)]) + key_id.encode()
    wrapped = AESGCM(kek).encrypt(wrap_nonce, data_key, prefix)  # ciphertext || tag
    header = prefix + wrap_nonce + wrapped
    digest = hashlib.sha256(header).digest()
    out = bytearray(header)
    gcm = AESGCM(data_key)
    chunks = [plaintext[i:i + chunk_size] for i in range(0, len(plaintext), chunk_size)]
    # Full chunks are "more" chunks; the final chunk holds the rest (possibly nothing).
    if chunks and len(chunks[-1]) < chunk_size:
        last = chunks.pop()
    else:
        last = b""
    frames = [(c, 0) for c in chunks] + [(last, 1)]
    for index, (chunk, flag) in enumerate(frames):
        nonce = b"\x00\x00\x00\x00" + struct.pack(">Q", index)
        ad = digest + struct.pack(">Q", index) + bytes([flag]) + struct.pack(">I", len(chunk))
        out += bytes([flag]) + struct.pack(">I", len(chunk)) + gcm.encrypt(nonce, chunk, ad)
    return bytes(out), digest


CASES = [
    ("backup-three-chunks", bytes(range(32)), "k2026a", bytes.fromhex("404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"),
     bytes.fromhex("00112233445566778899aabbccddeeff"), bytes.fromhex("cafebabefacedbaddecaf888"), 16,
     b"pg_dump custom format, chunked!!" + b"tail1234"),
    ("backup-exact-multiple", bytes(range(32)), "k2026a", bytes.fromhex("606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"),
     bytes.fromhex("0102030405060708090a0b0c0d0e0f10"), bytes.fromhex("000000000000000000000001"), 16,
     b"0123456789abcdef" * 2),
    ("backup-empty", bytes.fromhex("fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0"), "2027-q1.main",
     bytes.fromhex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"),
     bytes.fromhex("ffeeddccbbaa99887766554433221100"), bytes.fromhex("0102030405060708090a0b0c"), 1048576, b""),
]

for name, kek, key_id, dk, bid, wn, cs, pt in CASES:
    backup, digest = seal_backup(kek, key_id, dk, bid, wn, cs, pt)
    print("```vector")
    print(f"vector: {name}")
    print(f"kek: {kek.hex()}")
    print(f"key_id: {key_id}")
    print(f"data_key: {dk.hex()}")
    print(f"backup_id: {bid.hex()}")
    print(f"wrap_nonce: {wn.hex()}")
    print(f"chunk_size: {cs}")
    print(f"plaintext: {pt.hex()}")
    print(f"header_digest: {digest.hex()}")
    print(f"backup: {backup.hex()}")
    print("```")
    print()
