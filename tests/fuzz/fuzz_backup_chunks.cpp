// Fuzzes the backup stream reader (crypto/chunked_stream.hpp): the header, the wrapped data key
// and the chunk frames, fed whole and in two pieces split where the first byte says.
#include "crypto/chunked_stream.hpp"
#include "crypto/nonce.hpp"
#include "fuzz_keyring.hpp"

#include <cstddef>
#include <cstdint>

using namespace blazed;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string plain = "backup plaintext for the fuzz seed, long enough for two small chunks";
  auto sealed = crypto::seal_backup(fuzz::fuzz_keyring().active(), crypto::random_nonces(), crypto::random_bytes(),
                                    std::span(reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size()),
                                    32);
  if (sealed) fuzz::write_seed("backup", std::string(1, '\x10') + std::string(sealed->begin(), sealed->end()));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& keyring = fuzz::fuzz_keyring();
  const std::span<const std::uint8_t> stream(data + 1, size - 1);
  (void)crypto::open_backup(keyring, stream);
  crypto::ChunkedReader reader(keyring);
  const std::size_t split = std::min<std::size_t>(data[0], stream.size());
  crypto::Bytes out;
  if (reader.feed(stream.first(split), out) && reader.feed(stream.subspan(split), out)) (void)reader.finish();
  return 0;
}
