// Owns the last line of defence against leaks: a pass over every outgoing text (log lines,
// error replies) that masks known secret values, LWA tokens and e-mail addresses.
#pragma once

#include <string>
#include <string_view>

namespace blazed {

class Secret;

// Registers a secret's value so that any text containing it is masked from now on. Values
// shorter than 6 characters are ignored (they would mask ordinary words). Thread-safe.
void register_secret(const Secret& secret);
void forget_registered_secrets();

// Returns `text` with registered secrets, LWA tokens (Atza|..., Atzr|...), client secrets
// (amzn1.oa2-cs...) and e-mail addresses replaced by "[redacted]".
std::string redact(std::string_view text);

}  // namespace blazed
