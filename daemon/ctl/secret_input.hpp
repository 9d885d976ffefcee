// Owns reading a secret for blazectl (a refresh token, a client secret): from a file, or from
// standard input without echo, so that it never appears in argv, the shell history or a log.
#pragma once

#include "core/error.hpp"
#include "core/secret.hpp"

#include <string_view>

namespace blazed::ctl {

// `source` is "-" for standard input or a file path. On a terminal, `prompt` is shown on stderr
// and echo is off while the line is typed. One trailing newline (or CRLF) is stripped; an empty
// secret is an error ("empty_secret"); an unreadable file is "io".
Result<Secret> read_secret(std::string_view source, std::string_view prompt);

// The same from an open descriptor (stdin is 0); echo is turned off when it is a terminal.
Result<Secret> read_secret_fd(int fd, std::string_view prompt);

}  // namespace blazed::ctl
