#!/usr/bin/env python3
# Owns the botocore cross-check of blazed's S3 signer: signs a few S3 requests shaped like the
# ones blazed sends (UploadPart with checksum and session token, DeleteObjects with Content-MD5,
# ListObjectsV2 with a continuation token, a key needing encoding) with botocore's S3SigV4Auth
# and prints them as JSON. Output committed as botocore-vectors.json; test_s3_units checks it.
import datetime
import hashlib
import json
from unittest import mock

import botocore
import botocore.auth
import botocore.awsrequest
import botocore.credentials

WHEN = datetime.datetime(2026, 12, 3, 4, 5, 6)
CREDS = botocore.credentials.Credentials(
    "AKIDBLAZEDTEST", "blazed/secret+KEY/0123456789abcdefghijklmn", "blazed-session-token/abc+def==")


def sign(method, url, headers, body):
    req = botocore.awsrequest.AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    req.headers["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
    auth = botocore.auth.S3SigV4Auth(CREDS, "s3", "eu-central-1")
    seen = {}
    original = auth.canonical_request

    def record(r):
        seen["cr"] = original(r)
        return seen["cr"]

    auth.canonical_request = record
    with mock.patch("botocore.auth.get_current_datetime", return_value=WHEN):
        auth.add_auth(req)
    # botocore also signs what it adds itself (X-Amz-Date, X-Amz-Security-Token).
    cr = seen["cr"]
    return {
        "method": method,
        "url": url,
        "headers": headers,
        "body": body.decode(),
        "canonical_request": cr,
        "authorization": req.headers["Authorization"],
    }


cases = [
    sign("PUT", "https://blazed-backups.s3.eu-central-1.amazonaws.com/db/2026-12-03/dump.enc?partNumber=3&uploadId=UP%2Bid%3D%3D",
         {"x-amz-checksum-sha256": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="}, b"test"),
    sign("POST", "https://s3.eu-central-1.amazonaws.com/blazed.backups/?delete",
         {"Content-Type": "application/xml", "Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg=="},
         b"<Delete><Object><Key>a&amp;b</Key></Object></Delete>"),
    sign("GET", "https://blazed-backups.s3.eu-central-1.amazonaws.com/?continuation-token=1%2Fabc%3D%3D&list-type=2&max-keys=1000&prefix=db%2F",
         {}, b""),
    sign("GET", "https://blazed-backups.s3.eu-central-1.amazonaws.com/odd%20keys/a%20b%2Bc%3Dd%26e%24f~g.bin",
         {"Range": "bytes=0-9"}, b""),
]
print(json.dumps({"_about": "botocore " + botocore.__version__ + " S3SigV4Auth, see botocore_crosscheck.py",
                  "access_key_id": CREDS.access_key, "secret_access_key": CREDS.secret_key,
                  "session_token": CREDS.token, "region": "eu-central-1", "time": "2026-12-03T04:05:06Z",
                  "cases": cases}, indent=1))
