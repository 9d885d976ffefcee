// Owns running `openssl speed -evp aes-256-gcm` as the reference in the same bench run and
// reading its machine-readable output.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace blazed::bench {

// Bytes per second that `openssl speed -evp aes-256-gcm [-aead] -bytes SIZE -seconds S -mr`
// reports (its +F line); nullopt, with a note on stderr, if it cannot be run or parsed.
// Without -aead openssl streams one context through the buffer (no per-message nonce, AAD or
// tag); with -aead it does what a message needs (new nonce, AAD, data, tag), like our seal.
std::optional<double> openssl_speed_gcm(std::size_t size, int seconds, bool aead);

}  // namespace blazed::bench
