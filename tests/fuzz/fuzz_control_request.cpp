// Fuzzes the control protocol's request line parser (control/protocol.hpp).
#include "control/protocol.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::json::value id;
  auto req = blazed::control::parse_request(std::string_view(reinterpret_cast<const char*>(data), size), id);
  if (!req) (void)blazed::control::error_reply(id, req.error());
  return 0;
}
