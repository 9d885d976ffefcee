// Owns the error codes of daemon/crypto: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::crypto::errc {

BLAZED_ERROR_CODES("daemon/crypto",
    crypto_bad_aad, crypto_internal, crypto_malformed, crypto_no_legacy_key,
    crypto_non_dumpable, crypto_random, crypto_tampered, crypto_too_large, crypto_unknown_key,
    crypto_unsupported_version, keyring_bad_key_id, keyring_bad_key_file, keyring_insecure_dir,
    keyring_insecure_file, keyring_io, keyring_key_exists, keyring_missing_active,
    keyring_missing_legacy, keyring_no_credentials, backup_bad_chunk_size, backup_finished,
    backup_malformed, backup_reordered, backup_tampered, backup_trailing_data, backup_truncated,
    backup_unknown_key, backup_unsupported_version, backup_wrong_key, keyring_legacy_is_active);

}  // namespace blazed::crypto::errc
