// A headless Debian Chromium driven over the DevTools protocol on a pipe (no network port),
// for browser tests that click, type, read the drawn layout, download files and take
// screenshots the way a person's browser would.
#pragma once

#include <sys/types.h>

#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit::testing {

inline constexpr const char* kChromiumPath = "/usr/bin/chromium";

// The flags every headless Chromium of the tests starts with: no sandbox (tests run as
// root), no GPU, and nothing that reaches for the network (this machine has none).
std::vector<std::string> headless_chromium_flags();

class BrowserPage {
 public:
  struct Options {
    int width = 1400;  // the viewport, in CSS pixels
    int height = 1000;
    std::string download_dir;  // where downloads land; a fresh folder when empty
  };

  // True when Debian's chromium is installed.
  static bool available();

  // Starts Chromium (own process group, fresh profile) with one blank page. Throws
  // std::runtime_error when it cannot start or does not answer.
  explicit BrowserPage(const Options& options);
  BrowserPage() : BrowserPage(Options{}) {}
  // Kills the browser's process group and removes its profile.
  ~BrowserPage();
  BrowserPage(const BrowserPage&) = delete;
  BrowserPage& operator=(const BrowserPage&) = delete;

  // Navigates to url and waits until the page marks itself interactive
  // (document.documentElement.dataset.readyMs; on an evalkit report, also reviewsLoaded,
  // set once it has read the reviews saved in the browser). Returns the readyMs mark.
  int open(const std::string& url, double timeout_s = 60);

  // The value of a JavaScript expression in the page (promises are awaited). Throws with
  // the page's message when the expression throws.
  nlohmann::json evaluate(const std::string& expression);

  // Polls expression until it is truthy; false after timeout_s.
  bool wait_for(const std::string& expression, double timeout_s = 10);

  // A real mouse click at the centre of the first element matching selector, after
  // scrolling it into view. Throws when there is no such element, it has no size, or
  // another element covers its centre (a person could not click it either).
  void click(const std::string& selector);
  // Focuses the element and types text as keyboard input.
  void type(const std::string& selector, const std::string& text);

  // Presses and releases one key on the focused element: "Enter", "Escape", "Tab" or " ".
  void press(const std::string& key);

  // Saves a PNG of the viewport (or the whole page) to path.
  void screenshot(const std::string& path, bool full_page = false);

  // CPU time the page's main thread has used since its document started (DevTools'
  // ThreadTime), in milliseconds: unlike wall-clock time, it does not grow when other
  // processes compete for the machine.
  double main_thread_cpu_ms();

  // Waits for the next download to finish; returns the file's path ("" on timeout).
  std::string wait_for_download(double timeout_s = 10);
  const std::string& download_dir() const { return download_dir_; }

  // One DevTools command on the page's session (or the browser when browser_level).
  nlohmann::json command(const std::string& method, const nlohmann::json& params = {},
                         bool browser_level = false, double timeout_s = 60);

 private:
  nlohmann::json next_message(double timeout_s);

  pid_t pid_ = -1;
  int to_browser_ = -1;
  int from_browser_ = -1;
  int next_id_ = 1;
  std::string session_;
  std::string profile_dir_;
  std::string download_dir_;
  std::string buffer_;
  std::deque<nlohmann::json> events_;
};

}  // namespace evalkit::testing
