// Owns the element lookup and entity handling behind s3/xml.hpp.
#include "s3/xml.hpp"

#include <cstdlib>

namespace blazed::s3::xml {
namespace {

// Finds "<tag>" or "<tag attr...>" at or after `from`; returns the position after '>' or npos.
std::size_t open_tag(std::string_view doc, std::string_view tag, std::size_t from, std::size_t& start) {
  for (std::size_t pos = doc.find('<', from); pos != std::string_view::npos; pos = doc.find('<', pos + 1)) {
    if (doc.compare(pos + 1, tag.size(), tag) != 0) continue;
    const std::size_t after = pos + 1 + tag.size();
    if (after >= doc.size()) return std::string_view::npos;
    if (doc[after] == '>' || doc[after] == ' ') {
      const std::size_t gt = doc.find('>', after);
      if (gt == std::string_view::npos) return std::string_view::npos;
      if (doc[gt - 1] == '/') continue;  // <tag/>: empty, treated as absent
      start = pos;
      return gt + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<std::string_view> elements(std::string_view doc, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string close = "</" + std::string(tag) + ">";
  std::size_t from = 0;
  for (;;) {
    std::size_t start = 0;
    const std::size_t inner = open_tag(doc, tag, from, start);
    if (inner == std::string_view::npos) break;
    const std::size_t end = doc.find(close, inner);
    if (end == std::string_view::npos) break;
    out.push_back(doc.substr(inner, end - inner));
    from = end + close.size();
  }
  return out;
}

std::optional<std::string> text(std::string_view doc, std::string_view tag) {
  auto found = elements(doc, tag);
  if (found.empty()) return std::nullopt;
  return unescape(found.front());
}

std::string root(std::string_view doc) {
  std::size_t pos = 0;
  while ((pos = doc.find('<', pos)) != std::string_view::npos) {
    if (pos + 1 < doc.size() && doc[pos + 1] != '?' && doc[pos + 1] != '!') {
      const std::size_t end = doc.find_first_of(" >/", pos + 1);
      if (end == std::string_view::npos) return {};
      return std::string(doc.substr(pos + 1, end - pos - 1));
    }
    ++pos;
  }
  return {};
}

namespace {

// The predefined entity that stands for `c` in XML text, or null when `c` stands for itself.
const char* entity_of(char c) {
  constexpr std::string_view special = "&<>\"'";
  constexpr const char* entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
  auto at = special.find(c);
  return at == std::string_view::npos ? nullptr : entities[at];
}

}  // namespace

std::string escape(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  for (char c : t) {
    if (const char* e = entity_of(c)) out += e;
    else out.push_back(c);
  }
  return out;
}

std::string unescape(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '&') {
      out.push_back(t[i]);
      continue;
    }
    const std::size_t semi = t.find(';', i);
    if (semi == std::string_view::npos) {
      out.push_back(t[i]);
      continue;
    }
    const std::string_view ent = t.substr(i + 1, semi - i - 1);
    if (ent == "amp") out.push_back('&');
    else if (ent == "lt") out.push_back('<');
    else if (ent == "gt") out.push_back('>');
    else if (ent == "quot") out.push_back('"');
    else if (ent == "apos") out.push_back('\'');
    else if (!ent.empty() && ent[0] == '#') {
      const bool hex = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X');
      const unsigned long cp = std::strtoul(std::string(ent.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10);
      // UTF-8 encode
      if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
      } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      }
    } else {
      out.append(t.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

}  // namespace blazed::s3::xml
