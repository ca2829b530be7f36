// Markdown code fences around model output ("```json\n{...}\n```").
#pragma once

#include <string_view>

namespace evalkit {

// The body of the first ``` fenced block in text (without the fence lines and the language
// tag); text itself when it holds no opening fence. An unclosed fence runs to the end.
std::string_view strip_code_fence(std::string_view text);

}  // namespace evalkit
