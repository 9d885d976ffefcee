// Owns AWS Signature Version 4: URI encoding, the canonical request, the string to sign, the
// signing key, and signing with an Authorization header or a presigned query string.
#pragma once

#include "core/clock.hpp"
#include "s3/credentials.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blazed::s3 {

using Header = std::pair<std::string, std::string>;
using QueryParam = std::pair<std::string, std::string>;  // decoded name and value

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters (A-Z a-z 0-9 - . _ ~)
// stay, every other byte becomes %XY (uppercase); '/' stays when `keep_slash`.
std::string uri_encode(std::string_view raw, bool keep_slash);
// Decodes %XY sequences; an invalid sequence is kept as it is.
std::string uri_decode(std::string_view encoded);

// Removes "." and ".." segments and merges repeated slashes (what services other than S3
// do before signing; S3 signs the path exactly as given).
std::string normalize_path(std::string_view path);

// "20150830T123600Z" and "20150830".
std::string amz_date(Clock::time_point t);
std::string amz_day(Clock::time_point t);

// Hex SHA-256 of a byte string: the payload hash of a request body.
std::string sha256_hex(std::string_view data);
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// What gets signed. `path` is the raw (decoded) path, e.g. "/bucket/my key"; the signer
// encodes it once (S3) and the wire must carry exactly canonical_path(). `headers` must
// include Host; every header given is signed.
struct SignableRequest {
  std::string method;
  std::string path;
  std::vector<QueryParam> query;
  std::vector<Header> headers;
  std::string payload_hash;  // hex SHA-256 of the body, or UNSIGNED-PAYLOAD
};

struct SigningParams {
  std::string region;
  std::string service = "s3";
  Clock::time_point time;
  bool normalize = false;  // S3: false (keys are signed as they are)
  // Sign first, add X-Amz-Security-Token afterwards (a few services want it unsigned).
  bool omit_session_token = false;
};

// Every intermediate step, so tests can compare each with the published vectors.
struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // hex
  std::string authorization;  // header mode only
  // Header mode: headers to add to the request (X-Amz-Date, X-Amz-Security-Token,
  // Authorization). Query mode: parameters to append to the query (X-Amz-*), in the order
  // AWS's own signers emit them. Values are not secret except the session token and the
  // signature, and they only ever go onto the wire.
  std::vector<Header> added;
};

// The canonical path as it is signed and as it must appear on the wire.
std::string canonical_path(std::string_view raw_path, bool normalize);
// "a=1&b=2": encoded, sorted by name then value; the wire query uses the same string.
std::string canonical_query(const std::vector<QueryParam>& query);

// The signing key: HMAC chain over "AWS4"+secret, day, region, service, "aws4_request".
std::string signing_key(const Secret& secret_access_key, std::string_view day,
                        std::string_view region, std::string_view service);

// Header signing (Authorization header).
Signature sign_headers(const SignableRequest& request, const Credentials& credentials,
                       const SigningParams& params);
// Query signing (a presigned URL valid for `expires_seconds`).
Signature sign_query(const SignableRequest& request, const Credentials& credentials,
                     const SigningParams& params, long expires_seconds);

// Streaming uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): each chunk's signature chains on the
// previous one (the seed is the request's header signature). Not used for uploads (s3rver
// corrupts aws-chunked bodies, and parts are signed with their SHA-256 instead); kept because
// it is cheap and proven by the S3 worked example.
std::string chunk_signature(const Credentials& credentials, const SigningParams& params,
                            std::string_view previous_signature, std::string_view chunk);
std::string trailer_signature(const Credentials& credentials, const SigningParams& params,
                              std::string_view previous_signature,
                              std::string_view canonical_trailer);

}  // namespace blazed::s3
