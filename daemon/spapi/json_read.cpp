// Owns the typed field reads of the response parsers.
#include "spapi/json_read.hpp"

#include "spapi/errc.hpp"
#include "spapi/iso_time.hpp"

#include <charconv>

namespace blazed::spapi {

namespace json = boost::json;

bool is_decimal_text(std::string_view s) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  const std::size_t int_start = i;
  const std::size_t n = digits();
  if (n == 0 || (n > 1 && s[int_start] == '0')) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

void JsonReader::fail(std::string message) {
  if (!error_) error_ = make_error(errc::spapi_malformed, std::move(message));
}

const json::value* JsonReader::field(const json::object& o, std::string_view key, Need need) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (need == Need::required) fail("missing field " + std::string(key));
    return nullptr;
  }
  return v;
}

const json::object* JsonReader::object(const json::object& o, std::string_view key, Need need) {
  const json::value* v = field(o, key, need);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) fail("field " + std::string(key) + " is not an object");
  return v->if_object();
}

const json::array* JsonReader::array(const json::object& o, std::string_view key, Need need) {
  const json::value* v = field(o, key, need);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) fail("field " + std::string(key) + " is not an array");
  return v->if_array();
}

std::string JsonReader::string(const json::object& o, std::string_view key, Need need) {
  const json::value* v = field(o, key, need);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    fail("field " + std::string(key) + " is not a string");
    return {};
  }
  return std::string(v->get_string());
}

std::int64_t JsonReader::integer(const json::object& o, std::string_view key, Need need) {
  const std::string text = string(o, key, need);
  if (text.empty()) return 0;
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    fail("field " + std::string(key) + " is not an integer");
    return 0;
  }
  return out;
}

std::optional<Clock::time_point> JsonReader::time(const json::object& o, std::string_view key,
                                                  Need need) {
  const std::string text = string(o, key, need);
  if (text.empty()) return std::nullopt;
  auto t = parse_iso8601(text);
  if (!t) {
    fail("field " + std::string(key) + " is not an ISO 8601 time");
    return std::nullopt;
  }
  return *t;
}

std::optional<Money> JsonReader::money(const json::object& o, std::string_view key) {
  const json::object* m = object(o, key, Need::optional);
  if (m == nullptr) return std::nullopt;
  Money out{string(*m, "amount", Need::required), string(*m, "currencyCode", Need::required)};
  if (!out.amount.empty() && !is_decimal_text(out.amount)) {
    fail("field " + std::string(key) + ".amount is not a decimal");
  }
  return out;
}

std::optional<Money> JsonReader::currency(const json::object& o, std::string_view key) {
  const json::object* m = object(o, key, Need::optional);
  if (m == nullptr) return std::nullopt;
  Money out{string(*m, "currencyAmount", Need::required),
            string(*m, "currencyCode", Need::required)};
  if (!out.amount.empty() && !is_decimal_text(out.amount)) {
    fail("field " + std::string(key) + ".currencyAmount is not a decimal");
  }
  return out;
}

}  // namespace blazed::spapi
