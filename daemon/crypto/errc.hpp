// Owns the error codes of daemon/crypto: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::crypto::errc {

inline constexpr ErrorCode crypto_bad_aad{"crypto_bad_aad", "daemon/crypto"};
inline constexpr ErrorCode crypto_internal{"crypto_internal", "daemon/crypto"};
inline constexpr ErrorCode crypto_malformed{"crypto_malformed", "daemon/crypto"};
inline constexpr ErrorCode crypto_no_legacy_key{"crypto_no_legacy_key", "daemon/crypto"};
inline constexpr ErrorCode crypto_non_dumpable{"crypto_non_dumpable", "daemon/crypto"};
inline constexpr ErrorCode crypto_random{"crypto_random", "daemon/crypto"};
inline constexpr ErrorCode crypto_tampered{"crypto_tampered", "daemon/crypto"};
inline constexpr ErrorCode crypto_too_large{"crypto_too_large", "daemon/crypto"};
inline constexpr ErrorCode crypto_unknown_key{"crypto_unknown_key", "daemon/crypto"};
inline constexpr ErrorCode crypto_unsupported_version{"crypto_unsupported_version", "daemon/crypto"};
inline constexpr ErrorCode keyring_bad_key_id{"keyring_bad_key_id", "daemon/crypto"};
inline constexpr ErrorCode keyring_bad_key_file{"keyring_bad_key_file", "daemon/crypto"};
inline constexpr ErrorCode keyring_insecure_dir{"keyring_insecure_dir", "daemon/crypto"};
inline constexpr ErrorCode keyring_insecure_file{"keyring_insecure_file", "daemon/crypto"};
inline constexpr ErrorCode keyring_io{"keyring_io", "daemon/crypto"};
inline constexpr ErrorCode keyring_key_exists{"keyring_key_exists", "daemon/crypto"};
inline constexpr ErrorCode keyring_missing_active{"keyring_missing_active", "daemon/crypto"};
inline constexpr ErrorCode keyring_missing_legacy{"keyring_missing_legacy", "daemon/crypto"};
inline constexpr ErrorCode keyring_no_credentials{"keyring_no_credentials", "daemon/crypto"};
inline constexpr ErrorCode backup_bad_chunk_size{"backup_bad_chunk_size", "daemon/crypto"};
inline constexpr ErrorCode backup_finished{"backup_finished", "daemon/crypto"};
inline constexpr ErrorCode backup_malformed{"backup_malformed", "daemon/crypto"};
inline constexpr ErrorCode backup_reordered{"backup_reordered", "daemon/crypto"};
inline constexpr ErrorCode backup_tampered{"backup_tampered", "daemon/crypto"};
inline constexpr ErrorCode backup_trailing_data{"backup_trailing_data", "daemon/crypto"};
inline constexpr ErrorCode backup_truncated{"backup_truncated", "daemon/crypto"};
inline constexpr ErrorCode backup_unknown_key{"backup_unknown_key", "daemon/crypto"};
inline constexpr ErrorCode backup_unsupported_version{"backup_unsupported_version", "daemon/crypto"};
inline constexpr ErrorCode backup_wrong_key{"backup_wrong_key", "daemon/crypto"};
inline constexpr ErrorCode keyring_legacy_is_active{"keyring_legacy_is_active", "daemon/crypto"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{
    crypto_bad_aad, crypto_internal, crypto_malformed, crypto_no_legacy_key, crypto_non_dumpable,
    crypto_random, crypto_tampered, crypto_too_large, crypto_unknown_key,
    crypto_unsupported_version, keyring_bad_key_id, keyring_bad_key_file, keyring_insecure_dir,
    keyring_insecure_file, keyring_io, keyring_key_exists, keyring_missing_active,
    keyring_missing_legacy, keyring_no_credentials, backup_bad_chunk_size, backup_finished,
    backup_malformed, backup_reordered, backup_tampered, backup_trailing_data, backup_truncated,
    backup_unknown_key, backup_unsupported_version, backup_wrong_key, keyring_legacy_is_active
};

}  // namespace blazed::crypto::errc
