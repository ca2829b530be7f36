#include "evalkit/text/code_fence.h"

namespace evalkit {

std::string_view strip_code_fence(std::string_view text) {
  constexpr std::string_view kFence = "```";
  const size_t open = text.find(kFence);
  if (open == std::string_view::npos) return text;
  // The opening line may carry a language tag: the body starts on the next line.
  const size_t line_end = text.find('\n', open);
  if (line_end == std::string_view::npos) return std::string_view();
  const std::string_view rest = text.substr(line_end + 1);
  const size_t close = rest.find(kFence);
  return close == std::string_view::npos ? rest : rest.substr(0, close);
}

}  // namespace evalkit
