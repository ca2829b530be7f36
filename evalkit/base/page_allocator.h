// An allocator that takes memory in pages of its own from the system and gives it back when
// freed. For large buffers that live only while a suite is read (its line index, the tree of
// its document): a general-purpose allocator keeps such blocks cached for reuse, so the memory
// would stay held while the suite built from them grows.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <vector>

namespace evalkit {

template <typename T>
struct PageAllocator {
  using value_type = T;
  PageAllocator() = default;
  template <typename U>
  PageAllocator(const PageAllocator<U>&) {}

  T* allocate(size_t count) {
    void* pages = ::mmap(nullptr, count * sizeof(T), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) throw std::bad_alloc();
    return static_cast<T*>(pages);
  }
  void deallocate(T* pointer, size_t count) { ::munmap(pointer, count * sizeof(T)); }
  bool operator==(const PageAllocator&) const { return true; }
  bool operator!=(const PageAllocator&) const { return false; }
};

// A vector whose storage is given back to the system as soon as it is freed.
template <typename T>
using PageVector = std::vector<T, PageAllocator<T>>;

}  // namespace evalkit
