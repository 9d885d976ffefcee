// Owns the webhook signature (see webhook_signature.hpp) on OpenSSL's one-shot MAC.
#include "jobs/webhooks/webhook_signature.hpp"

#include "crypto/hex.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <charconv>
#include <optional>

namespace blazed::jobs::webhooks {
namespace {

std::string mac_hex(const Secret& secret, std::int64_t unix_seconds, std::string_view body) {
  const std::string signed_text = std::to_string(unix_seconds) + "." + std::string(body);
  std::array<std::uint8_t, 32> mac{};
  std::size_t len = 0;
  const auto key = secret.reveal();
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac.data(),
                mac.size(), &len) == nullptr ||
      len != mac.size())
    return {};  // no MAC: a header no receiver accepts
  return crypto::to_hex(mac);
}

// "t=123,v1=abc" -> (123, "abc"); nullopt when either part is missing or t is not a number.
std::optional<std::pair<std::int64_t, std::string_view>> parse(std::string_view header) {
  std::optional<std::int64_t> t;
  std::string_view v1;
  while (!header.empty()) {
    const auto comma = header.find(',');
    const auto part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (part.starts_with("t=")) {
      std::int64_t n = 0;
      const auto digits = part.substr(2);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
      t = n;
    } else if (part.starts_with("v1=")) {
      v1 = part.substr(3);
    }
  }
  if (!t || v1.empty()) return std::nullopt;
  return std::pair{*t, v1};
}

}  // namespace

std::string sign(const Secret& secret, std::int64_t unix_seconds, std::string_view body) {
  return "t=" + std::to_string(unix_seconds) + ",v1=" + mac_hex(secret, unix_seconds, body);
}

bool verify(const Secret& secret, std::string_view header, std::string_view body, std::int64_t now_unix_seconds,
            std::chrono::seconds tolerance) {
  auto parsed = parse(header);
  if (!parsed) return false;
  const auto [t, v1] = *parsed;
  if (t < now_unix_seconds - tolerance.count() || t > now_unix_seconds + tolerance.count()) return false;
  const std::string expected = mac_hex(secret, t, body);
  return !expected.empty() && expected.size() == v1.size() &&
         CRYPTO_memcmp(expected.data(), v1.data(), v1.size()) == 0;
}

}  // namespace blazed::jobs::webhooks
