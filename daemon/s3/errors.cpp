// Owns the mapping from S3 answers to blazed error codes.
#include "s3/errors.hpp"

#include "s3/errc.hpp"
#include "s3/xml.hpp"

namespace blazed::s3 {
namespace {

std::string clip(std::string s) {
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace

Error error_from_response(unsigned status, std::string_view body, std::string_view operation,
                          bool head_request) {
  const std::string s3code = xml::text(body, "Code").value_or("");
  std::string message = std::string(operation) + ": HTTP " + std::to_string(status);
  if (!s3code.empty()) message += " " + clip(s3code);
  if (auto m = xml::text(body, "Message"); m && !m->empty()) message += ": " + clip(*m);
  if (auto id = xml::text(body, "RequestId"); id && !id->empty()) message += " (request id " + clip(*id) + ")";

  ErrorCode code;
  if (s3code == "NoSuchKey" || (status == 404 && head_request)) code = errc::s3_not_found;
  else if (s3code == "NoSuchBucket") code = errc::s3_no_such_bucket;
  else if (s3code == "NoSuchUpload") code = errc::s3_no_such_upload;
  else if (s3code == "SlowDown") code = errc::s3_slow_down;
  else if (s3code == "RequestTimeout") code = errc::s3_timeout;
  else if (s3code == "NotImplemented") code = errc::s3_not_implemented;
  else if (s3code == "InternalError" || s3code == "ServiceUnavailable") code = errc::s3_unavailable;
  else if (status == 403) code = errc::s3_access_denied;
  else if (status == 404) code = errc::s3_not_found;
  else if (status == 416) code = errc::s3_invalid_range;
  else if (status == 412) code = errc::s3_precondition;
  else if (status >= 500) code = errc::s3_unavailable;
  else code = errc::s3_bad_request;
  return make_error(code, std::move(message));
}

bool retryable(const Error& e) {
  return e.code == errc::s3_unavailable || e.code == errc::s3_slow_down || e.code == errc::s3_timeout ||
         e.code == errc::s3_connection;
}

}  // namespace blazed::s3
