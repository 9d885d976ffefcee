// Owns the basic_parser handler that keeps JSON number text (on_number_part / on_int64 /
// on_uint64 / on_double all receive the number's characters).
#include "spapi/json_exact.hpp"

#include "spapi/errc.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <string>

namespace blazed::spapi {

namespace json = boost::json;

namespace {

class ExactHandler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  json::value_stack st;
  std::string number;  // the pieces of a number split across buffers

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t, json::string_view s, json::error_code&) { return push_number(s); }
  bool on_uint64(std::uint64_t, json::string_view s, json::error_code&) { return push_number(s); }
  bool on_double(double, json::string_view s, json::error_code&) { return push_number(s); }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  bool push_number(json::string_view last) {
    number.append(last.data(), last.size());
    st.push_string(number);
    number.clear();
    return true;
  }
};

}  // namespace

Result<json::value> parse_json_exact(std::string_view text) {
  json::basic_parser<ExactHandler> parser(json::parse_options{});
  parser.handler().st.reset();
  json::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec || used != text.size()) {
    return make_error(errc::spapi_malformed, "response is not valid JSON");
  }
  return parser.handler().st.release();
}

Result<json::object> parse_json_object_exact(std::string_view text, std::string_view what) {
  auto doc = parse_json_exact(text);
  if (!doc) return doc.error().context(what);
  if (!doc->is_object()) return make_error(errc::spapi_malformed, std::string(what) + ": reply is not a JSON object");
  return std::move(doc->get_object());
}

}  // namespace blazed::spapi
