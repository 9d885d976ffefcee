// Owns the one answer to every failure to open a stored value (see open_failure.hpp).
#include "crypto/open_failure.hpp"

#include "crypto/errc.hpp"

namespace blazed::crypto {

Error open_failure() {
  return make_error(errc::crypto_tampered,
                    "stored ciphertext could not be opened (altered, truncated, malformed, or not "
                    "this row's)");
}

}  // namespace blazed::crypto
