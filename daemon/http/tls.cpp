// Owns TLS context creation and per-connection verification set-up.
#include "http/tls.hpp"

#include "core/errc.hpp"
#include "http/errc.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace blazed::http {

namespace ssl = boost::asio::ssl;

Result<ssl::context> make_tls_context(const std::string& ca_file) {
  ssl::context ctx(ssl::context::tls_client);
  boost::system::error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                  ec);
  if (ec) return make_error(errc::tls_error, "cannot set TLS options: " + ec.message());
  ctx.set_verify_mode(ssl::verify_peer, ec);
  if (ec) return make_error(errc::tls_error, "cannot enable peer verification: " + ec.message());
  if (ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
    if (ec) return make_error(errc::tls_error, "cannot load the system trust store: " + ec.message());
  } else {
    ctx.load_verify_file(ca_file, ec);
    if (ec) return make_error(blazed::errc::bad_config, "cannot load CA file " + ca_file + ": " + ec.message());
  }
  return ctx;
}

Status prepare_tls_connection(SSL* ssl, const std::string& host, bool host_is_ip) {
  if (host_is_ip) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1) {
      return make_error(errc::tls_error, "cannot set the expected peer IP address");
    }
    return {};
  }
  // SSL_set_tlsext_host_name() is a macro with a C cast; this is its expansion.
  if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(host.c_str())) != 1) {
    return make_error(errc::tls_error, "cannot set SNI host name");
  }
  if (SSL_set1_host(ssl, host.c_str()) != 1) {
    return make_error(errc::tls_error, "cannot set the expected peer host name");
  }
  return {};
}

Error handshake_error(SSL* ssl, const boost::system::error_code& ec) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return make_error(errc::tls_verify_failed, std::string("certificate rejected: ") +
                                               X509_verify_cert_error_string(verify));
  }
  return make_error(errc::tls_error, "TLS handshake failed: " + ec.message());
}

}  // namespace blazed::http
