#include <iostream>

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::cout << "evalkit " << EVALKIT_VERSION << "\n";
  return 0;
}
