// Owns running `openssl speed -evp aes-256-gcm` as the reference in the same bench run and
// reading its machine-readable output.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace blazed::bench {

// Bytes per second that `openssl speed -evp aes-256-gcm -bytes SIZE -seconds S -mr` reports
// (its +F line); nullopt, with a note on stderr, if it cannot be run or parsed.
std::optional<double> openssl_speed_gcm(std::size_t size, int seconds);

}  // namespace blazed::bench
