// Owns reducing a postal code to a shipping zone at parse time, so the full code never leaves
// the parser. The rule (by country):
//   GB, GG, JE, IM: the outward code (before the space; without one, all but the last 3 chars)
//   US, CA, JP, IE: the first 3 letters/digits (US ZIP3, Canadian FSA, JP 3-digit prefix, Eircode
//                   routing key)
//   any other:      the first 2 letters/digits (e.g. German Leitregion, French departement)
// Letters are upper-cased; spaces and hyphens are ignored. A code too short to reduce yields
// no zone rather than the code itself.
#pragma once

#include "spapi/model.hpp"

#include <optional>
#include <string_view>

namespace blazed::spapi {

std::optional<ShippingZone> shipping_zone(std::string_view country_code, std::string_view postal_code);

}  // namespace blazed::spapi
