// Owns blazectl's generic human rendering of a JSON result (see render.hpp).
#include "ctl/render.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <ctime>
#include <ostream>

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

std::string cell(const json::value& v) { return scalar(v); }

std::string cell(const json::value& o, std::string_view key) {
  const auto* f = o.is_object() ? o.as_object().if_contains(key) : nullptr;
  return f != nullptr ? scalar(*f) : std::string("-");
}

std::string time_cell(const json::value& o, std::string_view key) {
  const auto* f = o.is_object() ? o.as_object().if_contains(key) : nullptr;
  if (f == nullptr || !f->is_int64()) return "-";
  std::time_t secs = static_cast<std::time_t>(f->as_int64() / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows, bool with_header) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size() && c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());
  auto line = [&](const std::vector<std::string>& r) {
    std::string s;
    for (std::size_t c = 0; c < r.size() && c < width.size(); ++c) {
      s += r[c];
      if (c + 1 < r.size()) s += std::string(width[c] - r[c].size() + 2, ' ');
    }
    out << s << "\n";
  };
  if (with_header) line(header);
  for (const auto& r : rows) line(r);
}

void print_checks(std::ostream& out, const std::vector<CheckLine>& checks, const std::string& indent) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : checks) {
    rows.push_back({indent + c.name, c.ok ? "ok" : "FAIL"});
    if (!c.detail.empty()) rows.back().push_back(c.detail);  // no trailing blanks without one
  }
  print_table(out, {"", "", ""}, rows, false);
}

}  // namespace blazed::ctl
