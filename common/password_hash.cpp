#include "common/password_hash.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "common/base64.hpp"
#include "common/text.hpp"

namespace eureka {

namespace {

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

} // namespace

std::optional<password_hash> parse_password_hash(std::string_view text, std::string& error) {
  std::string_view fields[4];
  size_t n = 0;
  for (;;) {
    auto pos = text.find('$');
    if (n == 3 || pos == std::string_view::npos) {
      fields[n++] = text;
      if (pos != std::string_view::npos)
        n = 5; // a fifth field
      break;
    }
    fields[n++] = text.substr(0, pos);
    text.remove_prefix(pos + 1);
  }
  if (n != 4) {
    error = fmt::format("expected {}$<iterations>$<salt>$<key> (4 fields separated by '$')",
                        password_hash_scheme);
    return std::nullopt;
  }
  if (fields[0] != password_hash_scheme) {
    error = fmt::format("unknown scheme (expected {})", password_hash_scheme);
    return std::nullopt;
  }
  password_hash h;
  int64_t iterations = 0;
  if (!text::parse_long(fields[1], iterations) || fields[1].front() == '+'
      || fields[1].front() == '-' || iterations < 0) {
    error = "the iterations are not a whole number";
    return std::nullopt;
  }
  if (iterations < min_password_iterations || iterations > max_password_iterations) {
    error = fmt::format("{} iterations are out of range [{}, {}]", iterations,
                        min_password_iterations, max_password_iterations);
    return std::nullopt;
  }
  h.iterations = static_cast<uint32_t>(iterations);
  auto salt = base64_decode(fields[2]);
  if (!salt) {
    error = "the salt is not base64";
    return std::nullopt;
  }
  if (salt->size() < min_password_salt_bytes || salt->size() > max_password_salt_bytes) {
    error = fmt::format("the salt has {} bytes (expected {} to {})", salt->size(),
                        min_password_salt_bytes, max_password_salt_bytes);
    return std::nullopt;
  }
  auto key = base64_decode(fields[3]);
  if (!key) {
    error = "the key is not base64";
    return std::nullopt;
  }
  if (key->size() != password_key_bytes) {
    error = fmt::format("the key has {} bytes (expected {})", key->size(), password_key_bytes);
    return std::nullopt;
  }
  h.salt = std::move(*salt);
  h.key = std::move(*key);
  return h;
}

std::string format_password_hash(const password_hash& h) {
  return fmt::format("{}${}${}${}", password_hash_scheme, h.iterations, base64_encode(h.salt),
                     base64_encode(h.key));
}

std::optional<password_hash> hash_password(std::string_view password, uint32_t iterations) {
  if (iterations < min_password_iterations || iterations > max_password_iterations)
    return std::nullopt;
  auto salt = random_bytes(password_salt_bytes);
  if (!salt)
    return std::nullopt;
  password_hash h;
  h.iterations = iterations;
  h.key = pbkdf2_sha256(password, *salt, iterations, password_key_bytes);
  h.salt = std::move(*salt);
  return h;
}

bool verify_password(const password_hash& h, std::string_view password) {
  auto key = pbkdf2_sha256(password, h.salt, h.iterations, h.key.size());
  return !key.empty() && constant_time_equal(key, h.key);
}

std::string pbkdf2_sha256(std::string_view password, std::string_view salt, uint32_t iterations,
                          size_t key_bytes) {
  std::string out(key_bytes, '\0');
  if (iterations == 0 || key_bytes == 0
      || PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), bytes_of(salt),
                           static_cast<int>(salt.size()), static_cast<int>(iterations),
                           EVP_sha256(), static_cast<int>(key_bytes),
                           reinterpret_cast<unsigned char*>(out.data()))
             != 1)
    return {};
  return out;
}

std::string sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(bytes_of(data), data.size(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::optional<std::string> random_bytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    return std::nullopt;
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // The lengths are public (a key's length is part of the scheme).
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace eureka
