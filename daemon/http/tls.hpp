// Owns the TLS side of the client: the verifying context (CA file or system store, TLS >= 1.2)
// and per-connection set-up of SNI and host-name verification.
#pragma once

#include "core/error.hpp"

#include <boost/asio/ssl/context.hpp>

#include <string>

typedef struct ssl_st SSL;

namespace blazed::http {

// A client context that verifies peers against `ca_file` (PEM), or against the system trust
// store when `ca_file` is empty.
Result<boost::asio::ssl::context> make_tls_context(const std::string& ca_file);

// Sends SNI (DNS names only, per RFC 6066) and makes the handshake fail unless the peer's
// certificate matches `host` (a DNS name or an IP literal).
Status prepare_tls_connection(SSL* ssl, const std::string& host, bool host_is_ip);

// Turns a failed handshake into an Error: `tls_verify_failed` when the certificate was
// rejected (wrong CA, wrong host, expired), `tls_error` otherwise.
Error handshake_error(SSL* ssl, const boost::system::error_code& ec);

}  // namespace blazed::http
