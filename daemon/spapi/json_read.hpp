// Owns typed reads from a lossless JSON tree (parse_json_exact) for the response parsers: each
// read records the first problem (missing field, wrong type, bad number or time), so a parser
// reads everything and checks once.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "spapi/model.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace blazed::spapi {

// True for RFC 8259 number text: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_decimal_text(std::string_view s);

class JsonReader {
 public:
  enum class Need { required, optional };

  const boost::json::object* object(const boost::json::object& o, std::string_view key, Need need);
  const boost::json::array* array(const boost::json::object& o, std::string_view key, Need need);
  std::string string(const boost::json::object& o, std::string_view key, Need need);
  std::int64_t integer(const boost::json::object& o, std::string_view key, Need need);
  std::optional<Clock::time_point> time(const boost::json::object& o, std::string_view key, Need need);
  // Orders' Money: {"amount": "decimal string", "currencyCode": "..."}.
  std::optional<Money> money(const boost::json::object& o, std::string_view key);
  // Finances' Currency: {"currencyAmount": <number>, "currencyCode": "..."}.
  std::optional<Money> currency(const boost::json::object& o, std::string_view key);
  // Calls f(const json::object&) for each element of the array `key`; stops at an element
  // that is not an object (recording the problem).
  template <class F>
  void each_object(const boost::json::object& o, std::string_view key, Need need, F&& f) {
    const boost::json::array* list = array(o, key, need);
    if (list == nullptr) return;
    for (const boost::json::value& v : *list) {
      const boost::json::object* element = v.if_object();
      if (element == nullptr) {
        fail(std::string(key) + " element is not an object");
        return;
      }
      f(*element);
    }
  }

  [[nodiscard]] bool ok() const { return !error_; }
  [[nodiscard]] const Error& error() const { return *error_; }
  void fail(std::string message);

 private:
  const boost::json::value* field(const boost::json::object& o, std::string_view key, Need need);
  std::optional<Error> error_;
};

}  // namespace blazed::spapi
