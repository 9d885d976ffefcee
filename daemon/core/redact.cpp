// Owns the redaction pass: registered secret values, token shapes and e-mail addresses.
#include "core/redact.hpp"

#include "core/json_escape.hpp"
#include "core/secret.hpp"

#include <algorithm>
#include <cctype>
#include <array>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace blazed {
namespace {

constexpr std::string_view kMask = "[redacted]";

struct Registry {
  std::shared_mutex mutex;
  std::vector<Secret> secrets;
};

Registry& registry() {
  static Registry r;
  return r;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '|' || c == '-' || c == '_' ||
         c == '.' || c == '+' || c == '/' || c == '=' || c == '%';
}

bool is_email_local_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-';
}

bool is_domain_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

// The forms a value takes on its way out: as is, percent-encoded (a query string or form body,
// either hex case) and JSON-escaped. A secret is masked in each.
std::vector<std::string> outward_forms(std::string_view value) {
  static constexpr char upper[] = "0123456789ABCDEF";
  static constexpr char lower[] = "0123456789abcdef";
  // Reserved up front: a reallocation would leave a copy of the secret behind unwiped.
  std::string pct_upper;
  std::string pct_lower;
  std::string json;
  pct_upper.reserve(3 * value.size());
  pct_lower.reserve(3 * value.size());
  json.reserve(6 * value.size());
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      pct_upper += c;
      pct_lower += c;
    } else {
      pct_upper += {'%', upper[u >> 4], upper[u & 15]};
      pct_lower += {'%', lower[u >> 4], lower[u & 15]};
    }
  }
  append_json_escaped(json, value);  // the escaping our log lines and replies use
  std::vector<std::string> forms{std::string(value)};
  for (auto* f : {&pct_upper, &pct_lower, &json})
    if (std::find(forms.begin(), forms.end(), *f) == forms.end()) forms.push_back(std::move(*f));
  return forms;
}

// Masks every run that starts with one of the token prefixes, up to the end of the token. The
// '|' of an LWA token is also looked for percent-encoded (a token in a query string or form).
void mask_token_shapes(std::string& s) {
  static constexpr std::array<std::string_view, 7> prefixes{
      "Atza|", "Atzr|", "Atza%7C", "Atzr%7C", "Atza%7c", "Atzr%7c", "amzn1.oa2-cs."};
  for (auto prefix : prefixes) {
    for (std::size_t pos = s.find(prefix); pos != std::string::npos; pos = s.find(prefix, pos)) {
      std::size_t end = pos + prefix.size();
      while (end < s.size() && is_token_char(s[end])) ++end;
      s.replace(pos, end - pos, kMask);
      pos += kMask.size();
    }
  }
}

// Masks local@domain.tld, scanning outward from each '@'.
void mask_emails(std::string& s) {
  for (std::size_t at = s.find('@'); at != std::string::npos; at = s.find('@', at + 1)) {
    std::size_t begin = at;
    while (begin > 0 && is_email_local_char(s[begin - 1])) --begin;
    std::size_t end = at + 1;
    while (end < s.size() && is_domain_char(s[end])) ++end;
    while (end > at + 1 && s[end - 1] == '.') --end;  // a sentence's full stop is not the domain
    std::string_view domain(s.data() + at + 1, end - at - 1);
    auto dot = domain.rfind('.');
    bool looks_like_email = begin < at && dot != std::string_view::npos && dot > 0 &&
                            domain.size() - dot - 1 >= 2;
    if (!looks_like_email) continue;
    s.replace(begin, end - begin, kMask);
    at = begin + kMask.size() - 1;
  }
}

}  // namespace

void register_secret(const Secret& secret) {
  if (secret.size() < 6) return;
  auto forms = outward_forms(secret.reveal());
  auto& r = registry();
  std::unique_lock lock(r.mutex);
  for (auto& form : forms) {
    Secret s(std::move(form));
    if (std::find(r.secrets.begin(), r.secrets.end(), s) == r.secrets.end()) r.secrets.push_back(std::move(s));
  }
}

void forget_registered_secrets() {
  auto& r = registry();
  std::unique_lock lock(r.mutex);
  r.secrets.clear();
}

std::string redact(std::string_view text) {
  std::string s(text);
  {
    auto& r = registry();
    std::shared_lock lock(r.mutex);
    for (const auto& secret : r.secrets) {
      auto value = secret.reveal();
      for (std::size_t pos = s.find(value); pos != std::string::npos; pos = s.find(value, pos)) {
        s.replace(pos, value.size(), kMask);
        pos += kMask.size();
      }
    }
  }
  mask_token_shapes(s);
  mask_emails(s);
  return s;
}

}  // namespace blazed
