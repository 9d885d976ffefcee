// Owns generating CA and server certificates with OpenSSL for TLS tests.
#include "harness/test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace blazed::testing {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

Key new_key() {
  Key key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EC key generation");
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  check(ext != nullptr, "extension");
  check(X509_add_ext(cert, ext.get(), -1) == 1, "add extension");
}

Cert new_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, long serial) {
  Cert cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer ? issuer : cert.get();
  if (!issuer) {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  }
  return cert;
}

void write_cert(const std::filesystem::path& path, X509* cert) {
  std::unique_ptr<BIO, Free> bio(BIO_new_file(path.c_str(), "w"));
  check(bio && PEM_write_bio_X509(bio.get(), cert) == 1, "write certificate");
}

void write_key(const std::filesystem::path& path, EVP_PKEY* key) {
  std::unique_ptr<BIO, Free> bio(BIO_new_file(path.c_str(), "w"));
  check(bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "write key");
}

}  // namespace

TestPki make_test_pki(const std::filesystem::path& dir, const std::string& prefix,
                      const std::vector<std::string>& dns_names,
                      const std::vector<std::string>& ip_addresses) {
  Key ca_key = new_key();
  Cert ca = new_cert(ca_key.get(), prefix + " test CA", nullptr, 1);
  check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0, "sign CA");

  Key key = new_key();
  Cert cert = new_cert(key.get(), prefix + " test server", ca.get(), 2);
  std::string san;
  for (const auto& d : dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + d;
  for (const auto& ip : ip_addresses) san += (san.empty() ? "IP:" : ",IP:") + ip;
  add_ext(cert.get(), ca.get(), NID_subject_alt_name, san);
  add_ext(cert.get(), ca.get(), NID_basic_constraints, "CA:FALSE");
  add_ext(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "sign server certificate");

  Key client_key = new_key();
  Cert client = new_cert(client_key.get(), prefix + " test client", ca.get(), 3);
  add_ext(client.get(), ca.get(), NID_basic_constraints, "CA:FALSE");
  add_ext(client.get(), ca.get(), NID_ext_key_usage, "clientAuth");
  check(X509_sign(client.get(), ca_key.get(), EVP_sha256()) > 0, "sign client certificate");

  TestPki pki{dir / (prefix + "-ca.pem"), dir / (prefix + "-server.pem"),
              dir / (prefix + "-server.key"), dir / (prefix + "-client.pem"),
              dir / (prefix + "-client.key")};
  write_cert(pki.ca_cert, ca.get());
  write_cert(pki.server_cert, cert.get());
  write_key(pki.server_key, key.get());
  write_cert(pki.client_cert, client.get());
  write_key(pki.client_key, client_key.get());
  return pki;
}

}  // namespace blazed::testing
