// Fuzzes opening stored ciphertexts: AES-256-GCM envelopes and legacy AES-256-CBC values, on a
// legacy row (key_id NULL) and on an envelope row (crypto/ciphertext.hpp, envelope.hpp,
// legacy_cbc.hpp). Opening must fail cleanly on anything that was not sealed for the row.
#include "crypto/ciphertext.hpp"
#include "crypto/envelope.hpp"
#include "crypto/legacy_cbc.hpp"
#include "crypto/nonce.hpp"
#include "fuzz_keyring.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace blazed;

namespace {
const crypto::Aad kAad{crypto::kPurposeSellerToken, "seller_tokens", "42"};
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const auto& keyring = fuzz::fuzz_keyring();
  auto sealed = crypto::seal(keyring, crypto::random_nonces(), kAad, "Atzr|fuzz-seed-token");
  if (sealed) fuzz::write_seed("envelope", std::string(sealed->begin(), sealed->end()));
  // A legacy value: hex(iv):hex(ciphertext), one block of padding-only plaintext is enough shape.
  fuzz::write_seed("legacy", "00112233445566778899aabbccddeeff:00112233445566778899aabbccddeeff");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& keyring = fuzz::fuzz_keyring();
  const std::span<const std::uint8_t> stored(data, size);
  (void)crypto::inspect(keyring, stored);
  (void)crypto::open_stored(keyring, kAad, std::nullopt, stored);
  (void)crypto::open_stored(keyring, kAad, std::string_view("fuzz1"), stored);
  (void)crypto::open_envelope(keyring, kAad, stored);
  if (const auto* legacy = keyring.legacy()) (void)crypto::open_legacy_cbc(*legacy, stored);
  return 0;
}
