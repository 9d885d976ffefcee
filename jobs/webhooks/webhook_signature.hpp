// Owns the webhook signature: HMAC-SHA256 over "<unix time>.<body>" sent as
// `X-Blazed-Signature: t=<unix time>,v1=<hex>`, and its check as the web app does it (a timestamp
// too far from now is refused, so a captured request cannot be replayed later).
#pragma once

#include "core/secret.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace blazed::jobs::webhooks {

inline constexpr const char* kSignatureHeader = "X-Blazed-Signature";

// The header value for `body` sent at `unix_seconds`.
std::string sign(const Secret& secret, std::int64_t unix_seconds, std::string_view body);

// The receiver's check: the header parses, its v1 matches (compared in constant time) and its t is
// within `tolerance` of `now_unix_seconds`.
bool verify(const Secret& secret, std::string_view header, std::string_view body, std::int64_t now_unix_seconds,
            std::chrono::seconds tolerance);

}  // namespace blazed::jobs::webhooks
