#!/usr/bin/env python3
# Owns the independent generation of the envelope v1 test vectors in docs/formats.md, with
# pyca/cryptography's AESGCM (not our code), so the C++ tests check our code against it.
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VECTORS = [
    dict(name="envelope-token", key_id="k2026a",
         key=bytes(range(32)), nonce=bytes.fromhex("cafebabefacedbaddecaf888"),
         purpose="seller_token", table="seller_tokens", row_id="42",
         plaintext=b"Atzr|test-vector-refresh-token-0001"),
    dict(name="envelope-empty", key_id="k2026a",
         key=bytes(range(32)), nonce=bytes.fromhex("000000000000000000000001"),
         purpose="seller_token", table="seller_tokens", row_id="7",
         plaintext=b""),
    dict(name="envelope-payload", key_id="2027-q1.main",
         key=bytes(range(0xff, 0xdf, -1)), nonce=bytes.fromhex("0102030405060708090a0b0c"),
         purpose="raw_payload", table="raw_payloads", row_id="order:902-1234567-7654321",
         plaintext=b'{"AmazonOrderId":"902-1234567-7654321","OrderStatus":"Shipped","OrderTotal":{"Amount":"19.99"}}'),
]


def field(s: str) -> bytes:
    b = s.encode()
    return len(b).to_bytes(2, "big") + b


for v in VECTORS:
    kid = v["key_id"].encode()
    header = bytes([0xBE, 0x5A, 0x01, len(kid)]) + kid
    aad = header + field(v["purpose"]) + field(v["table"]) + field(v["row_id"])
    ct_tag = AESGCM(v["key"]).encrypt(v["nonce"], v["plaintext"], aad)
    envelope = header + v["nonce"] + ct_tag
    print("```vector")
    print(f"vector: {v['name']}")
    print(f"key: {v['key'].hex()}")
    print(f"key_id: {v['key_id']}")
    print(f"nonce: {v['nonce'].hex()}")
    print(f"purpose: {v['purpose']}")
    print(f"table: {v['table']}")
    print(f"row_id: {v['row_id']}")
    print(f"plaintext: {v['plaintext'].hex()}")
    print(f"aad: {aad.hex()}")
    print(f"envelope: {envelope.hex()}")
    print("```")
    print()
