// Fuzzes the SP-API listTransactions parser (spapi/transactions.hpp).
#include "spapi/transactions.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)blazed::spapi::parse_list_transactions(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
