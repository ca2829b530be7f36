// Files from reports/ and judges/ compiled into the binary (see cmake/embed_files.cmake).
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace evalkit {

// Every embedded file as (path relative to the source root, contents).
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();

// The contents of an embedded file such as "reports/report.html", if it exists.
std::optional<std::string_view> embedded_file(std::string_view path);

}  // namespace evalkit
