// Owns the postal-code-to-zone rule (documented in postal_zone.hpp).
#include "spapi/postal_zone.hpp"

#include <cctype>
#include <string>

namespace blazed::spapi {

namespace {

std::string upper_alnum(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out.push_back(static_cast<char>(std::toupper(u)));
  }
  return out;
}

}  // namespace

std::optional<ShippingZone> shipping_zone(std::string_view country_code, std::string_view postal_code) {
  const std::string country = upper_alnum(country_code);
  if (country.size() != 2) return std::nullopt;
  std::string zone;
  if (country == "GB" || country == "GG" || country == "JE" || country == "IM") {
    const auto first = postal_code.find_first_not_of(' ');
    if (first == std::string_view::npos) return std::nullopt;
    const std::string_view trimmed = postal_code.substr(first);
    const auto space = trimmed.find(' ');
    if (space != std::string_view::npos) {
      zone = upper_alnum(trimmed.substr(0, space));
    } else {
      const std::string all = upper_alnum(trimmed);
      if (all.size() <= 3) return std::nullopt;
      zone = all.substr(0, all.size() - 3);
    }
    if (zone.empty() || zone.size() > 4) return std::nullopt;
  } else {
    const std::size_t keep =
        (country == "US" || country == "CA" || country == "JP" || country == "IE") ? 3 : 2;
    const std::string all = upper_alnum(postal_code);
    if (all.size() <= keep) return std::nullopt;  // reducing would not hide anything
    zone = all.substr(0, keep);
  }
  return ShippingZone{country, zone};
}

}  // namespace blazed::spapi
