// Owns the throw-away PKI for TLS tests: a fresh CA, and a server and a client certificate it
// signs, as PEM files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace blazed::testing {

struct TestPki {
  std::filesystem::path ca_cert;      // the CA certificate clients trust
  std::filesystem::path server_cert;  // leaf certificate followed by nothing (CA is the root)
  std::filesystem::path server_key;
  std::filesystem::path client_cert;  // for servers that require client certificates (clientAuth)
  std::filesystem::path client_key;
};

// Generates a P-256 CA, a client certificate, and a server certificate valid for `dns_names` and `ip_addresses`
// (subjectAltName) into `dir`, with file names starting with `prefix`. Throws on failure.
TestPki make_test_pki(const std::filesystem::path& dir, const std::string& prefix,
                      const std::vector<std::string>& dns_names,
                      const std::vector<std::string>& ip_addresses);

}  // namespace blazed::testing
