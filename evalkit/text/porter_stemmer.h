// The Porter stemmer as nltk 3.8's PorterStemmer computes it in its default NLTK_EXTENSIONS
// mode, which is what rouge-score's `use_stemmer=True` uses: Porter's 1980 rules plus nltk's
// irregular-forms table, short words left alone, and nltk's changes to steps 1a, 1b, 1c and 2.
#pragma once

#include <string>
#include <string_view>

namespace evalkit {

// Stems one lowercase ASCII word and writes the stem to *out (replacing its contents).
// Words of 1-2 characters come back unchanged. Bytes outside a-z are treated as consonants,
// as nltk treats any character that is not a vowel. Reuses *out's capacity: no allocation
// once it is large enough.
void porter_stem(std::string_view word, std::string* out);

// Convenience form of the above.
std::string porter_stem(std::string_view word);

}  // namespace evalkit
