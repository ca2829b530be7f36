#include "evalkit/text/linear_regex.h"

#include <algorithm>

#include "evalkit/text/utf8.h"

namespace evalkit {
namespace {

using Instruction = LinearRegex::Instruction;
using CharClass = LinearRegex::CharClass;
using ClassRange = LinearRegex::ClassRange;

bool is_word(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool class_matches(const CharClass& cls, char32_t c) {
  const auto it = std::upper_bound(cls.ranges.begin(), cls.ranges.end(), c,
                                   [](char32_t v, const ClassRange& r) { return v < r.low; });
  const bool inside = it != cls.ranges.begin() && c <= std::prev(it)->high;
  return inside != cls.negated;
}

}  // namespace

LinearRegex::Result LinearRegex::search(std::string_view text, uint64_t max_steps) const {
  std::u32string cps;
  decode_utf8(text, &cps);
  const size_t n = cps.size();
  const size_t size = program_.size();
  // Two thread lists as sparse sets; a generation stamp per list avoids clearing.
  std::vector<uint32_t> current, next;
  current.reserve(size);
  next.reserve(size);
  std::vector<uint64_t> seen(size, 0);
  uint64_t generation = 0;
  std::vector<uint32_t> stack;
  uint64_t steps = 0;

  // Adds pc and everything reachable from it without consuming a character at position pos.
  // Returns true when the match instruction is reached.
  auto add = [&](std::vector<uint32_t>* list, uint32_t start, size_t pos) {
    stack.push_back(start);
    while (!stack.empty()) {
      const uint32_t pc = stack.back();
      stack.pop_back();
      if (pc >= size || seen[pc] == generation) continue;
      seen[pc] = generation;
      ++steps;
      const Instruction& in = program_[pc];
      switch (in.op) {
        case Instruction::kMatch:
          stack.clear();
          return true;
        case Instruction::kJump:
          stack.push_back(in.x);
          break;
        case Instruction::kSplit:
          stack.push_back(in.y);
          stack.push_back(in.x);
          break;
        case Instruction::kBegin:
          if (pos == 0) stack.push_back(pc + 1);
          break;
        case Instruction::kEnd:
          if (pos == n) stack.push_back(pc + 1);
          break;
        case Instruction::kWordBoundary:
        case Instruction::kNotWordBoundary: {
          const bool before = pos > 0 && is_word(cps[pos - 1]);
          const bool after = pos < n && is_word(cps[pos]);
          if ((before != after) == (in.op == Instruction::kWordBoundary)) stack.push_back(pc + 1);
          break;
        }
        default:
          list->push_back(pc);
      }
    }
    return false;
  };

  for (size_t pos = 0; pos <= n; ++pos) {
    ++generation;
    // The unanchored search: a new thread may start at every position.
    for (uint32_t pc : current) seen[pc] = generation;
    if (add(&current, 0, pos)) return Result::kMatch;
    if (steps > max_steps) return Result::kTooExpensive;
    if (pos == n) break;
    ++generation;
    next.clear();
    const char32_t c = pos < n ? cps[pos] : 0;
    for (uint32_t pc : current) {
      const Instruction& in = program_[pc];
      bool ok = false;
      if (in.op == Instruction::kChar) {
        ok = in.c == c;
      } else if (in.op == Instruction::kAny) {
        ok = true;
      } else if (in.op == Instruction::kClass) {
        ok = class_matches(classes_[in.x], c);
      }
      if (ok && add(&next, pc + 1, pos + 1)) return Result::kMatch;
    }
    if (steps > max_steps) return Result::kTooExpensive;
    current.swap(next);
  }
  return Result::kNoMatch;
}

}  // namespace evalkit
