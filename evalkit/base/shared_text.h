// An unchanging string whose copies share one buffer: the file name every location in a
// suite carries, the folder every scorer of a suite resolves against, held once however
// many cases carry them. Reads as a const std::string&.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <utility>

namespace evalkit {

class SharedText {
 public:
  SharedText() = default;
  // Implicit, so that it takes the place of a std::string member.
  SharedText(std::string text)  // NOLINT(google-explicit-constructor)
      : text_(text.empty() ? nullptr : std::make_shared<const std::string>(std::move(text))) {}
  SharedText(const char* text) : SharedText(std::string(text)) {}  // NOLINT

  const std::string& str() const { return text_ != nullptr ? *text_ : empty_text(); }
  operator const std::string&() const { return str(); }  // NOLINT

  bool empty() const { return str().empty(); }
  size_t size() const { return str().size(); }
  const char* c_str() const { return str().c_str(); }

  friend bool operator==(const SharedText& a, const SharedText& b) { return a.str() == b.str(); }
  friend bool operator==(const SharedText& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const SharedText& a, const char* b) { return a.str() == b; }
  friend std::string operator+(const SharedText& a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(const std::string& a, const SharedText& b) { return a + b.str(); }
  friend std::string operator+(const SharedText& a, const char* b) { return a.str() + b; }
  friend std::string operator+(const char* a, const SharedText& b) { return a + b.str(); }
  friend std::string operator+(const SharedText& a, char b) { return a.str() + b; }
  friend std::ostream& operator<<(std::ostream& out, const SharedText& text) {
    return out << text.str();
  }

 private:
  static const std::string& empty_text() {
    static const std::string kEmpty;
    return kEmpty;
  }

  std::shared_ptr<const std::string> text_;
};

}  // namespace evalkit
