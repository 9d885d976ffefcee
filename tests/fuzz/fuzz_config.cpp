// Fuzzes the configuration loader: YAML parsing, every key's value parser and the checks across
// keys (config/loader.hpp).
#include "config/loader.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)blazed::config::parse_config(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  return 0;
}
