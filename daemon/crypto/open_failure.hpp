// Owns the one answer to every failure to open a stored value: altered, truncated, malformed,
// a bad padding, a wrong tag, another row's value, a legacy value on a row that is not legacy.
#pragma once

#include "core/error.hpp"

namespace blazed::crypto {

// Always code crypto_tampered with the same message, whatever went wrong: whoever can write the
// database and watch the result (rotation counts, sync_state.last_error) learns one bit per
// attempt, never which check failed (a padding oracle needs exactly that difference).
Error open_failure();

}  // namespace blazed::crypto
