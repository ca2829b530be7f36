// Content hashes used as stable keys (suite content, replay and cache keys).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace evalkit {

// Lower-case hex SHA-256 of bytes.
std::string sha256_hex(std::string_view bytes);

// SHA-256 of the canonical form of a JSON value: object keys sorted (nlohmann's default
// ordering), no whitespace, numbers as nlohmann prints them. Equal values hash equal.
std::string canonical_json_hash(const nlohmann::json& value);

// A fast 64-bit hash (FNV-1a) for in-memory keys and sharding; not for security.
uint64_t fnv1a64(std::string_view bytes);

}  // namespace evalkit
