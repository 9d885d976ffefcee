// Owns the S3 error vocabulary: turning a status and S3's XML error into a stable code, and
// deciding which failures are worth another attempt.
#pragma once

#include "core/error.hpp"

#include <string_view>

namespace blazed::s3 {

// Stable codes (docs/backups.md lists them with the operations):
//   s3_not_found        NoSuchKey, or 404 on HEAD
//   s3_no_such_bucket   NoSuchBucket
//   s3_no_such_upload   NoSuchUpload (multipart upload aborted or completed)
//   s3_access_denied    403: AccessDenied, InvalidAccessKeyId, SignatureDoesNotMatch,
//                       RequestTimeTooSkewed, ExpiredToken...
//   s3_invalid_range    416
//   s3_precondition     412
//   s3_slow_down        503 SlowDown (after the retries)
//   s3_unavailable      other 5xx (after the retries)
//   s3_bad_request      any other 4xx
//   plus the transport's s3_timeout, s3_connection, s3_tls, s3_too_large, s3_protocol and
//   the client's s3_bad_config, s3_credentials, s3_limit.
// The message carries S3's own code, message and request id, never a body or a header value.
Error error_from_response(unsigned status, std::string_view body, std::string_view operation,
                          bool head_request);

// 5xx, SlowDown, RequestTimeout and transport failures (timeouts, resets) are retried; the
// rest fail at once.
bool retryable(const Error& e);

}  // namespace blazed::s3
