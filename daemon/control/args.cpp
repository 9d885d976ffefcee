// Owns typed access to a request's args (see args.hpp).
#include "control/args.hpp"

#include <charconv>

namespace blazed::control::args {
namespace {

Error bad(std::string_view key, std::string_view what) {
  return make_error(codes::bad_args, "argument \"" + std::string(key) + "\" " + std::string(what));
}

const boost::json::value* lookup(const Request& req, std::string_view key) {
  const auto* v = req.args.if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

}  // namespace

Result<std::optional<std::string>> find_string(const Request& req, std::string_view key) {
  const auto* v = lookup(req, key);
  if (v == nullptr) return std::optional<std::string>{};
  if (!v->is_string()) return bad(key, "must be a string");
  return std::optional<std::string>{std::string(v->as_string())};
}

Result<std::optional<std::int64_t>> find_int(const Request& req, std::string_view key) {
  const auto* v = lookup(req, key);
  if (v == nullptr) return std::optional<std::int64_t>{};
  if (v->is_int64()) return std::optional<std::int64_t>{v->as_int64()};
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return std::optional<std::int64_t>{static_cast<std::int64_t>(v->as_uint64())};
  }
  if (v->is_string()) {
    std::string_view s = v->as_string();
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc{} && end == s.data() + s.size() && !s.empty()) {
      return std::optional<std::int64_t>{n};
    }
  }
  return bad(key, "must be an integer");
}

Result<std::optional<bool>> find_bool(const Request& req, std::string_view key) {
  const auto* v = lookup(req, key);
  if (v == nullptr) return std::optional<bool>{};
  if (v->is_bool()) return std::optional<bool>{v->as_bool()};
  if (v->is_string()) {
    if (v->as_string() == "true") return std::optional<bool>{true};
    if (v->as_string() == "false") return std::optional<bool>{false};
  }
  return bad(key, "must be true or false");
}

namespace {

template <class T>
Result<T> required(Result<std::optional<T>> r, std::string_view key) {
  if (!r) return r.error();
  if (!*r) return bad(key, "is required");
  return Result<T>(boost::system::in_place_value, std::move(**r));
}

}  // namespace

Result<std::string> get_string(const Request& req, std::string_view key) {
  return required(find_string(req, key), key);
}
Result<std::int64_t> get_int(const Request& req, std::string_view key) {
  return required(find_int(req, key), key);
}
Result<bool> get_bool(const Request& req, std::string_view key) {
  return required(find_bool(req, key), key);
}

}  // namespace blazed::control::args
