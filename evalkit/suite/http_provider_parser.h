// The keys of a generic `http` provider (url, method, body, output, usage, tool_calls,
// finish_reason, error, error_status) and the header/query maps every HTTP provider may carry.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "evalkit/suite/suite.h"
#include "evalkit/suite/yaml_reader.h"

namespace evalkit {

// Reads one `http` provider key (name) into out; returns false in *handled when the key is
// not one of them.
Status parse_http_endpoint_key(const std::string& name, const YAML::Node& value,
                               const YamlReader& reader, HttpEndpointConfig* out, bool* handled);

// `headers:` or `query:`: a map of name to value, values kept unexpanded (${VAR} is read
// when the provider is built) and checked for well-formed ${...} and no line breaks.
Status parse_secret_params(const YAML::Node& node, const YamlReader& reader,
                           const std::string& what, std::vector<SecretParam>* out);

}  // namespace evalkit
