// Fuzzes the SP-API order parsers (searchOrders pages and getOrder, spapi/orders.hpp).
#include "spapi/orders.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)blazed::spapi::parse_search_orders(body);
  (void)blazed::spapi::parse_get_order(body);
  return 0;
}
