// Throw-away CAs, certificates and keys for the tests of the cluster's TLS
// settings, made with OpenSSL's API in a temporary directory.
#pragma once

#include <cstdio>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <unistd.h>

namespace eureka::test {

using pkey_ptr = std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)>;
using x509_ptr = std::unique_ptr<X509, void (*)(X509*)>;

inline pkey_ptr make_key() {
  return pkey_ptr{EVP_EC_gen("P-256"), &EVP_PKEY_free};
}

inline void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  auto* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr)
    throw std::runtime_error("bad extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

/// A certificate for `key` named `cn`, signed by `issuer` (self-signed when
/// null). `days_valid` < 0: expired.
inline x509_ptr make_cert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                          bool ca, long days_valid = 30, const char* eku = nullptr) {
  x509_ptr cert{X509_new(), &X509_free};
  X509_set_version(cert.get(), 2);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  if (days_valid >= 0) {
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), days_valid * 86400L);
  } else {
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -10 * 86400L);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), -86400L);
  }
  X509_set_pubkey(cert.get(), key);
  auto* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  add_ext(cert.get(), signer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (ca)
    add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (eku != nullptr)
    add_ext(cert.get(), signer, NID_ext_key_usage, eku);
  X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256());
  return cert;
}

/// A temporary directory, removed with what it holds.
struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/caf-eureka-tls-XXXXXX";
    if (mkdtemp(tmpl) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~temp_dir() {
    std::string cmd = "rm -rf '" + path + "'";
    if (std::system(cmd.c_str()) != 0)
      std::perror("rm");
  }
  std::string file(const std::string& name) const { return path + "/" + name; }
};

inline std::string write_cert(const std::string& path, X509* cert) {
  FILE* f = std::fopen(path.c_str(), "w");
  PEM_write_X509(f, cert);
  std::fclose(f);
  return path;
}

/// `password` non-empty: the key encrypted with AES-256.
inline std::string write_key(const std::string& path, EVP_PKEY* key,
                             const std::string& password = {}) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (password.empty())
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  else
    PEM_write_PrivateKey(f, key, EVP_aes_256_cbc(),
                         reinterpret_cast<const unsigned char*>(password.data()),
                         static_cast<int>(password.size()), nullptr, nullptr);
  std::fclose(f);
  return path;
}

} // namespace eureka::test
