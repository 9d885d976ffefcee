// Owns blazectl's generic human rendering of a JSON result (see render.hpp).
#include "ctl/render.hpp"

#include <boost/json/serialize.hpp>

namespace blazed::ctl {
namespace {

namespace json = boost::json;

bool is_scalar(const json::value& v) { return !v.is_object() && !v.is_array(); }

std::string scalar(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "-";
  return json::serialize(v);
}

void render(std::string& out, const json::value& v, int indent) {
  std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  if (v.is_object()) {
    for (const auto& [k, child] : v.as_object()) {
      out += pad + std::string(k) + ":";
      if (is_scalar(child)) {
        out += " " + scalar(child) + "\n";
      } else {
        out += "\n";
        render(out, child, indent + 1);
      }
    }
  } else if (v.is_array()) {
    for (const auto& child : v.as_array()) {
      if (is_scalar(child)) {
        out += pad + "- " + scalar(child) + "\n";
      } else {
        out += pad + "-\n";
        render(out, child, indent + 1);
      }
    }
  } else {
    out += pad + scalar(v) + "\n";
  }
}

}  // namespace

std::string render_human(const json::value& v) {
  if (v.is_object() && v.as_object().empty()) return "ok\n";
  std::string out;
  render(out, v, 0);
  return out;
}

}  // namespace blazed::ctl
