// Reads a judge model's verdict out of its free-text answer: a JSON object (possibly inside
// ``` fences or surrounded by prose), a choice such as "ANSWER: C" or "GRADE: Y", or a
// number on a 1..N scale. A verdict that cannot be read is an error, never a silent 0.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace evalkit {

struct VerdictSpec {
  enum class Format { kJson, kChoice, kScale };
  Format format = Format::kJson;
  // kChoice, kScale: the verdict follows the last occurrence of this marker (matched
  // ignoring case), e.g. "GRADE:". Empty, or absent from the answer: the last non-empty
  // line must be the verdict alone.
  std::string prefix;
  // kChoice (and kJson when the score field holds a string): label -> score in [0, 1].
  // Labels are stored upper-case and matched ignoring case.
  std::map<std::string, double> choices;
  // kScale (and kJson when the score field holds a number and scale_max > scale_min):
  // a value n in [scale_min, scale_max] scores (n - scale_min) / (scale_max - scale_min).
  double scale_min = 0;
  double scale_max = 0;
  // kJson: the fields holding the score (number, boolean or choice label) and the reason.
  std::string score_field = "score";
  std::string reason_field = "reason";
};

struct Verdict {
  bool ok = false;
  double score = 0;    // in [0, 1] when ok
  std::string label;   // the choice or scale value as read ("C", "4", "true")
  std::string reason;  // the judge's explanation, when it gave one
  std::string error;   // why the answer could not be read, when !ok
};

// Parses answer according to spec. Never throws.
Verdict parse_verdict(const VerdictSpec& spec, std::string_view answer);

}  // namespace evalkit
