// Owns what an SP-API response says besides its payload: the request id and rate-limit
// headers, and the mapping of error statuses and bodies ({"errors":[{code,message}]}) to
// blazed Error codes.
#pragma once

#include "core/error.hpp"
#include "http/client.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace blazed::spapi {

// Surfaced on every response (success or failure) for logs, audit and the rate limiter.
struct ResponseMeta {
  unsigned status = 0;
  std::string request_id;               // x-amzn-RequestId; Amazon support asks for it
  std::optional<std::string> rate_limit;  // x-amzn-RateLimit-Limit, e.g. "0.0056" (200/400/404)
  bool token_exchanged = false;  // this call exchanged the seller's refresh token with LWA (audited)
};

ResponseMeta response_meta(const http::Response& res);

// Error codes by status:
//   400, 413, 415 -> spapi_invalid_input (do not retry as is)
//   401, 403      -> spapi_unauthorized  (refresh the token once, then mark credentials broken)
//   404           -> spapi_not_found
//   429           -> spapi_throttled     (back off with jitter, slow the seller's bucket)
//   5xx           -> spapi_server_error  (retry with exponential backoff)
//   other         -> spapi_unexpected_status
// The message names the status, Amazon's first error code and the request id (no body text,
// which could echo input).
Error error_from_response(const ResponseMeta& meta, std::string_view body);

}  // namespace blazed::spapi
