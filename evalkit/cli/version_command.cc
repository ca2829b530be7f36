// evalkit --version: the version of evalkit and of every library it was built with, so a bug
// report or a CI log says exactly what ran.
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include <oneapi/tbb/version.h>
#include <Eigen/Core>
#include <boost/version.hpp>
#include <simdjson.h>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"

#ifndef EVALKIT_YAML_CPP_VERSION
#define EVALKIT_YAML_CPP_VERSION "unknown"
#endif

namespace evalkit::cli {

int version_command(const Args& args) {
  std::printf("evalkit %s\n", EVALKIT_VERSION);
  const bool verbose = args.empty() || args[0] != "--short";
  if (!verbose) return exit_code::kPassed;
  // Run-time versions where the library reports one, else the headers built against.
  std::printf("  libcurl        %s\n", curl_version());
  std::printf("  SQLite         %s\n", sqlite3_libversion());
  std::printf("  oneTBB         %s (runtime %s)\n", TBB_VERSION_STRING, TBB_runtime_version());
  std::printf("  yaml-cpp       %s\n", EVALKIT_YAML_CPP_VERSION);
  std::printf("  Eigen          %d.%d.%d\n", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION,
              EIGEN_MINOR_VERSION);
  std::printf("  Boost          %d.%d.%d\n", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000,
              BOOST_VERSION % 100);
  std::printf("  nlohmann-json  %d.%d.%d\n", NLOHMANN_JSON_VERSION_MAJOR,
              NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH);
  std::printf("  simdjson       %d.%d.%d\n", simdjson::SIMDJSON_VERSION_MAJOR,
              simdjson::SIMDJSON_VERSION_MINOR, simdjson::SIMDJSON_VERSION_REVISION);
  std::printf("  OpenSSL        %s\n", OpenSSL_version(OPENSSL_VERSION));
  return exit_code::kPassed;
}

}  // namespace evalkit::cli
