// Owns the fixed keyring the crypto fuzz targets open with: two keys with known bytes in a
// private temporary directory ("fuzz1" active, "legacy1" the legacy key), made once per process.
#pragma once

#include "crypto/keyring.hpp"

namespace blazed::fuzz {

const crypto::Keyring& fuzz_keyring();

// When BLAZED_FUZZ_SEED_DIR is set, writes `bytes` there as a seed named `name` (scripts/fuzz
// --seed regenerates the crypto corpora this way).
void write_seed(const char* name, const std::string& bytes);

}  // namespace blazed::fuzz
