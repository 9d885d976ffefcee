// Owns the database part of bench/rotation: rows re-encrypted per second by the rotation job
// against a private PostgreSQL (the test harness's cluster).
#pragma once

#include "crypto/keyring.hpp"

namespace blazed::bench {

// Fills seller_tokens with `rows` tokens of `token_size` bytes under `old_key`, rotates them to
// keyring.active() with `batch_size`, and prints the rate. Returns false if anything failed.
bool bench_rotation_rows(const crypto::Keyring& keyring, const crypto::Key& old_key, long rows,
                         std::size_t token_size, int batch_size);

}  // namespace blazed::bench
