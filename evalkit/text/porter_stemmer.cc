#include "evalkit/text/porter_stemmer.h"

#include <array>
#include <initializer_list>
#include <utility>

namespace evalkit {
namespace {

// nltk's irregular forms: looked up before any rule runs.
constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kIrregularForms = {{
    {"skies", "sky"},
    {"sky", "sky"},
    {"dying", "die"},
    {"lying", "lie"},
    {"tying", "tie"},
    {"news", "news"},
    {"innings", "inning"},
    {"inning", "inning"},
    {"outings", "outing"},
    {"outing", "outing"},
    {"cannings", "canning"},
    {"canning", "canning"},
    {"howe", "howe"},
    {"proceed", "proceed"},
    {"exceed", "exceed"},
    {"succeed", "succeed"},
}};

bool is_vowel_letter(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// Porter's consonant test: 'y' is a consonant at the start or after a vowel.
bool is_consonant(std::string_view s, size_t i) {
  if (is_vowel_letter(s[i])) return false;
  if (s[i] != 'y') return true;
  return i == 0 || !is_consonant(s, i - 1);
}

// m in Porter's [C](VC)^m[V]: the number of vowel-to-consonant transitions.
int measure(std::string_view s) {
  int m = 0;
  bool previous_consonant = true;
  bool previous_was_vowel = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool consonant;
    if (is_vowel_letter(c)) {
      consonant = false;
    } else if (c == 'y') {
      consonant = i == 0 || !previous_consonant;
    } else {
      consonant = true;
    }
    if (consonant && previous_was_vowel) ++m;
    previous_was_vowel = !consonant;
    previous_consonant = consonant;
  }
  return m;
}

bool contains_vowel(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!is_consonant(s, i)) return true;
  }
  return false;
}

bool ends_double_consonant(std::string_view w) {
  size_t n = w.size();
  return n >= 2 && w[n - 1] == w[n - 2] && is_consonant(w, n - 1);
}

// *o: consonant-vowel-consonant, the last not w, x or y; nltk also accepts a two-letter
// vowel-consonant word.
bool ends_cvc(std::string_view w) {
  size_t n = w.size();
  if (n >= 3 && is_consonant(w, n - 3) && !is_consonant(w, n - 2) && is_consonant(w, n - 1) &&
      w[n - 1] != 'w' && w[n - 1] != 'x' && w[n - 1] != 'y') {
    return true;
  }
  return n == 2 && !is_consonant(w, 0) && is_consonant(w, 1);
}

enum class Condition {
  kAlways,
  kMeasureAbove0,
  kMeasureAbove1,
  kIonStem,      // m > 1 and the stem ends in s or t
  kLogiStem,     // m > 0 of the word less "ogi" (nltk keeps the l with the stem)
  kDoubleLl,     // m > 1 of the word less its last l
  kMeasure1Cvc,  // m = 1 and *o
  kNotLsz,       // for *d: the doubled letter is not l, s or z
};

struct Rule {
  std::string_view suffix;  // "*d" stands for any doubled consonant
  std::string_view replacement;
  Condition condition;
};

bool holds(Condition condition, std::string_view stem, std::string_view word) {
  switch (condition) {
    case Condition::kAlways:
      return true;
    case Condition::kMeasureAbove0:
      return measure(stem) > 0;
    case Condition::kMeasureAbove1:
      return measure(stem) > 1;
    case Condition::kIonStem:
      return measure(stem) > 1 && (stem.back() == 's' || stem.back() == 't');
    case Condition::kLogiStem:
      return measure(word.substr(0, word.size() - 3)) > 0;
    case Condition::kDoubleLl:
      return measure(word.substr(0, word.size() - 1)) > 1;
    case Condition::kMeasure1Cvc:
      return measure(stem) == 1 && ends_cvc(stem);
    case Condition::kNotLsz:
      return word.back() != 'l' && word.back() != 's' && word.back() != 'z';
  }
  return false;
}

// The first rule whose suffix matches decides: its replacement is applied when its
// condition holds, and no later rule is tried either way.
void apply_rule_list(std::string& w, std::initializer_list<Rule> rules) {
  for (const Rule& rule : rules) {
    if (rule.suffix == "*d") {
      if (!ends_double_consonant(w)) continue;
      if (holds(rule.condition, std::string_view(w).substr(0, w.size() - 2), w)) w.pop_back();
      return;
    }
    if (!std::string_view(w).ends_with(rule.suffix)) continue;
    std::string_view stem = std::string_view(w).substr(0, w.size() - rule.suffix.size());
    if (holds(rule.condition, stem, w)) {
      w.erase(stem.size());
      w.append(rule.replacement);
    }
    return;
  }
}

void replace_suffix(std::string& w, size_t suffix_size, std::string_view replacement) {
  w.erase(w.size() - suffix_size);
  w.append(replacement);
}

void step1a(std::string& w) {
  // nltk: "dies" -> "die" while "flies" -> "fli".
  if (w.size() == 4 && std::string_view(w).ends_with("ies")) {
    replace_suffix(w, 3, "ie");
    return;
  }
  apply_rule_list(w, {{"sses", "ss", Condition::kAlways},
                      {"ies", "i", Condition::kAlways},
                      {"ss", "ss", Condition::kAlways},
                      {"s", "", Condition::kAlways}});
}

void step1b(std::string& w) {
  std::string_view view = w;
  // nltk: "died" -> "die" while "spied" -> "spi".
  if (view.ends_with("ied")) {
    replace_suffix(w, 3, w.size() == 4 ? "ie" : "i");
    return;
  }
  if (view.ends_with("eed")) {
    if (measure(view.substr(0, view.size() - 3)) > 0) w.pop_back();
    return;
  }
  size_t cut = 0;
  if (view.ends_with("ed") && contains_vowel(view.substr(0, view.size() - 2))) {
    cut = 2;
  } else if (view.ends_with("ing") && contains_vowel(view.substr(0, view.size() - 3))) {
    cut = 3;
  }
  if (cut == 0) return;
  w.erase(w.size() - cut);
  apply_rule_list(w, {{"at", "ate", Condition::kAlways},
                      {"bl", "ble", Condition::kAlways},
                      {"iz", "ize", Condition::kAlways},
                      {"*d", "", Condition::kNotLsz},
                      {"", "e", Condition::kMeasure1Cvc}});
}

void step1c(std::string& w) {
  // nltk: y -> i only after a consonant that is not the whole stem ("happy" -> "happi",
  // "enjoy" and "by" unchanged, "spy" -> "spi").
  if (!std::string_view(w).ends_with('y')) return;
  std::string_view stem = std::string_view(w).substr(0, w.size() - 1);
  if (stem.size() > 1 && is_consonant(stem, stem.size() - 1)) w.back() = 'i';
}

void step2(std::string& w) {
  // nltk applies alli -> al first and then runs step 2 again on the result.
  std::string_view view = w;
  if (view.ends_with("alli") && measure(view.substr(0, view.size() - 4)) > 0) {
    replace_suffix(w, 4, "al");
    step2(w);
    return;
  }
  constexpr Condition m0 = Condition::kMeasureAbove0;
  apply_rule_list(w, {{"ational", "ate", m0}, {"tional", "tion", m0},
                      {"enci", "ence", m0},   {"anci", "ance", m0},
                      {"izer", "ize", m0},    {"bli", "ble", m0},
                      {"alli", "al", m0},     {"entli", "ent", m0},
                      {"eli", "e", m0},       {"ousli", "ous", m0},
                      {"ization", "ize", m0}, {"ation", "ate", m0},
                      {"ator", "ate", m0},    {"alism", "al", m0},
                      {"iveness", "ive", m0}, {"fulness", "ful", m0},
                      {"ousness", "ous", m0}, {"aliti", "al", m0},
                      {"iviti", "ive", m0},   {"biliti", "ble", m0},
                      {"fulli", "ful", m0},   {"logi", "log", Condition::kLogiStem}});
}

void step3(std::string& w) {
  constexpr Condition m0 = Condition::kMeasureAbove0;
  apply_rule_list(w, {{"icate", "ic", m0},
                      {"ative", "", m0},
                      {"alize", "al", m0},
                      {"iciti", "ic", m0},
                      {"ical", "ic", m0},
                      {"ful", "", m0},
                      {"ness", "", m0}});
}

void step4(std::string& w) {
  constexpr Condition m1 = Condition::kMeasureAbove1;
  apply_rule_list(w, {{"al", "", m1},
                      {"ance", "", m1},
                      {"ence", "", m1},
                      {"er", "", m1},
                      {"ic", "", m1},
                      {"able", "", m1},
                      {"ible", "", m1},
                      {"ant", "", m1},
                      {"ement", "", m1},
                      {"ment", "", m1},
                      {"ent", "", m1},
                      {"ion", "", Condition::kIonStem},
                      {"ou", "", m1},
                      {"ism", "", m1},
                      {"ate", "", m1},
                      {"iti", "", m1},
                      {"ous", "", m1},
                      {"ive", "", m1},
                      {"ize", "", m1}});
}

void step5a(std::string& w) {
  if (!std::string_view(w).ends_with('e')) return;
  std::string_view stem = std::string_view(w).substr(0, w.size() - 1);
  int m = measure(stem);
  if (m > 1 || (m == 1 && !ends_cvc(stem))) w.pop_back();
}

void step5b(std::string& w) { apply_rule_list(w, {{"ll", "l", Condition::kDoubleLl}}); }

}  // namespace

void porter_stem(std::string_view word, std::string* out) {
  for (const auto& [form, stem] : kIrregularForms) {
    if (form == word) {
      out->assign(stem);
      return;
    }
  }
  out->assign(word);
  if (word.size() <= 2) return;
  std::string& w = *out;
  step1a(w);
  step1b(w);
  step1c(w);
  step2(w);
  step3(w);
  step4(w);
  step5a(w);
  step5b(w);
}

std::string porter_stem(std::string_view word) {
  std::string out;
  porter_stem(word, &out);
  return out;
}

}  // namespace evalkit
