// Owns response metadata extraction and the status-to-Error mapping.
#include "spapi/status.hpp"

#include "spapi/errc.hpp"
#include "spapi/json_exact.hpp"

#include <cctype>

namespace blazed::spapi {

ResponseMeta response_meta(const http::Response& res) {
  ResponseMeta meta;
  meta.status = res.status;
  if (auto id = res.header("x-amzn-RequestId")) meta.request_id = std::string(*id);
  if (auto rl = res.header("x-amzn-RateLimit-Limit")) meta.rate_limit = std::string(*rl);
  return meta;
}

namespace {

// Amazon's first error code ("QuotaExceeded", "InvalidInput"...), if the body has one.
std::string first_error_code(std::string_view body) {
  auto doc = parse_json_object_exact(body, "error reply");
  if (!doc) return {};
  const auto* errors = doc->if_contains("errors");
  if (errors == nullptr || !errors->is_array() || errors->get_array().empty()) return {};
  const auto& first = errors->get_array().front();
  if (!first.is_object()) return {};
  const auto* code = first.get_object().if_contains("code");
  if (code == nullptr || !code->is_string()) return {};
  std::string out(code->get_string());
  // An error code is an identifier; anything else is not worth repeating.
  for (char c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return {};
  }
  return out.substr(0, 64);
}

ErrorCode code_for(unsigned status) {
  switch (status) {
    case 400:
    case 413:
    case 415:
      return errc::spapi_invalid_input;
    case 401:
    case 403:
      return errc::spapi_unauthorized;
    case 404:
      return errc::spapi_not_found;
    case 429:
      return errc::spapi_throttled;
    default:
      return status >= 500 && status <= 599 ? errc::spapi_server_error : errc::spapi_unexpected_status;
  }
}

}  // namespace

Error error_from_response(const ResponseMeta& meta, std::string_view body) {
  std::string message = "HTTP " + std::to_string(meta.status);
  if (const std::string amazon = first_error_code(body); !amazon.empty()) message += " " + amazon;
  if (!meta.request_id.empty()) message += " (request id " + meta.request_id + ")";
  return make_error(code_for(meta.status), std::move(message));
}

}  // namespace blazed::spapi
