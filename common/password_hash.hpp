// Password hashes of the admin users (eureka.admin.users): PBKDF2-HMAC-SHA256
// (OpenSSL), written `pbkdf2-sha256$<iterations>$<salt>$<key>` with standard
// padded base64. The node stores only these; `caf-eureka-admin
// hash-password` prints them. Shared by the gateway and the CLI.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eureka {

/// The scheme name, the first field of the text form.
inline constexpr std::string_view password_hash_scheme = "pbkdf2-sha256";

/// One password check costs about 4.5 ms at 20,000 iterations on the
/// development machine (Release, one core of a 2-core VM; 2.5 ms at 10,000,
/// 23 ms at 100,000): cheap enough for the gateway's thread at
/// eureka.admin.max-password-checks-per-second, dear for a guesser who
/// stole the hash. caf-eureka-admin can be told to use more.
inline constexpr uint32_t default_password_iterations = 20000;
/// Bounds of the iterations a hash may state: fewer would make a stolen
/// hash cheap to guess, more would let one check stall the gateway.
inline constexpr uint32_t min_password_iterations = 1000;
inline constexpr uint32_t max_password_iterations = 10000000;
/// Bytes of a new salt, and bounds of a stated one.
inline constexpr size_t password_salt_bytes = 16;
inline constexpr size_t min_password_salt_bytes = 8;
inline constexpr size_t max_password_salt_bytes = 64;
/// Bytes of the derived key (SHA-256's output).
inline constexpr size_t password_key_bytes = 32;

struct password_hash {
  uint32_t iterations = default_password_iterations;
  /// Raw bytes (not base64).
  std::string salt;
  std::string key;
};

/// Parses the text form. On failure, nullopt and `error` says which part is
/// wrong without repeating the text (a hash is a secret worth keeping out
/// of logs).
std::optional<password_hash> parse_password_hash(std::string_view text, std::string& error);

/// The text form.
std::string format_password_hash(const password_hash& h);

/// A hash of `password` with a new random salt. nullopt only if the system's
/// random source fails (or `iterations` is out of bounds).
std::optional<password_hash> hash_password(std::string_view password,
                                           uint32_t iterations = default_password_iterations);

/// True if `password` matches: one PBKDF2 computation, compared in constant
/// time.
bool verify_password(const password_hash& h, std::string_view password);

/// PBKDF2-HMAC-SHA256 (RFC 8018) of `key_bytes` bytes; iterations >= 1.
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, uint32_t iterations,
                          size_t key_bytes);

/// SHA-256 of `data` (32 raw bytes).
std::string sha256(std::string_view data);

/// `n` bytes from the system's cryptographic random source; nullopt if it
/// fails.
std::optional<std::string> random_bytes(size_t n);

/// Equality of two byte strings in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace eureka
