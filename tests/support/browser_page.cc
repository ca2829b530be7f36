#include "tests/support/browser_page.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/process.h"

namespace evalkit::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double seconds_left(Clock::time_point deadline) {
  return std::chrono::duration<double>(deadline - Clock::now()).count();
}

std::string base64_decode(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) continue;
    bits = (bits << 6) | unsigned(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += char((bits >> count) & 0xFF);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> headless_chromium_flags() {
  return {"--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-extensions"};
}

bool BrowserPage::available() { return std::filesystem::exists(kChromiumPath); }

BrowserPage::BrowserPage(const Options& options) {
  profile_dir_ = make_temp_dir("chromium-profile-" + std::to_string(getpid()) + "-" +
                               std::to_string(Clock::now().time_since_epoch().count()));
  download_dir_ = options.download_dir.empty() ? profile_dir_ + "-downloads" : options.download_dir;
  std::filesystem::create_directories(download_dir_);
  // Commands go to the browser's fd 3; it answers on fd 4; messages end with a NUL byte.
  int commands[2], answers[2];
  if (pipe(commands) != 0 || pipe(answers) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv = {kChromiumPath};
  for (const std::string& flag : headless_chromium_flags()) argv.push_back(flag);
  std::string window = "--window-size=";
  window += std::to_string(options.width) + "," + std::to_string(options.height);
  std::string profile = "--user-data-dir=";
  profile += profile_dir_;
  for (const std::string& flag :
       {std::string("--hide-scrollbars"), std::string("--remote-debugging-pipe"), window, profile,
        std::string("about:blank")}) {
    argv.push_back(flag);
  }
  std::vector<char*> arg_ptrs;
  for (const auto& s : argv) arg_ptrs.push_back(const_cast<char*>(s.c_str()));
  arg_ptrs.push_back(nullptr);
  const std::string log = profile_dir_ + ".log";
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    setpgid(0, 0);  // the browser and its helpers form one group, killed together
    const int null_in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    // fds 3 and 4 must be the pipe ends; move them clear of 3/4 first.
    const int read_end = fcntl(commands[0], F_DUPFD, 10);
    const int write_end = fcntl(answers[1], F_DUPFD, 10);
    if (null_in < 0 || out < 0 || read_end < 0 || write_end < 0) _exit(126);
    dup2(null_in, 0);
    dup2(out, 1);
    dup2(out, 2);
    dup2(read_end, 3);
    dup2(write_end, 4);
    for (int fd = 5; fd < 1024; ++fd) close(fd);
    execv(arg_ptrs[0], arg_ptrs.data());
    _exit(127);
  }
  setpgid(pid_, pid_);
  close(commands[0]);
  close(answers[1]);
  to_browser_ = commands[1];
  from_browser_ = answers[0];
  fcntl(to_browser_, F_SETFD, FD_CLOEXEC);
  fcntl(from_browser_, F_SETFD, FD_CLOEXEC);
  signal(SIGPIPE, SIG_IGN);

  const json targets = command("Target.getTargets", json::object(), true, 60);
  std::string target;
  for (const auto& info : targets.value("targetInfos", json::array())) {
    if (info.value("type", "") == "page") target = info.value("targetId", "");
  }
  if (target.empty()) {
    target = command("Target.createTarget", {{"url", "about:blank"}}, true)["targetId"];
  }
  session_ = command("Target.attachToTarget", {{"targetId", target}, {"flatten", true}}, true)
                 .value("sessionId", "");
  command("Page.enable");
  command("Runtime.enable");
  command("Performance.enable");
  command("Emulation.setDeviceMetricsOverride", {{"width", options.width},
                                                 {"height", options.height},
                                                 {"deviceScaleFactor", 1},
                                                 {"mobile", false}});
  command("Emulation.setFocusEmulationEnabled", {{"enabled", true}});
  command("Browser.setDownloadBehavior",
          {{"behavior", "allowAndName"}, {"downloadPath", download_dir_}, {"eventsEnabled", true}},
          true);
}

BrowserPage::~BrowserPage() {
  if (to_browser_ >= 0) close(to_browser_);
  if (from_browser_ >= 0) close(from_browser_);
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(profile_dir_, ec);
  std::filesystem::remove(profile_dir_ + ".log", ec);
}

json BrowserPage::next_message(double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(int(timeout_s * 1000));
  while (true) {
    const size_t end = buffer_.find('\0');
    if (end != std::string::npos) {
      json message = json::parse(buffer_.substr(0, end), nullptr, false);
      buffer_.erase(0, end + 1);
      if (!message.is_discarded()) return message;
      continue;
    }
    const double left = seconds_left(deadline);
    if (left <= 0) return nullptr;
    pollfd p{from_browser_, POLLIN, 0};
    const int ready = poll(&p, 1, std::max(1, int(left * 1000)));
    if (ready <= 0) continue;
    char chunk[65536];
    const ssize_t n = read(from_browser_, chunk, sizeof chunk);
    if (n <= 0) throw std::runtime_error("chromium closed the DevTools pipe");
    buffer_.append(chunk, size_t(n));
  }
}

json BrowserPage::command(const std::string& method, const json& params, bool browser_level,
                          double timeout_s) {
  const int id = next_id_++;
  json message = {
      {"id", id}, {"method", method}, {"params", params.is_null() ? json::object() : params}};
  if (!browser_level && !session_.empty()) message["sessionId"] = session_;
  std::string bytes = message.dump();
  bytes += '\0';
  for (size_t sent = 0; sent < bytes.size();) {
    const ssize_t n = write(to_browser_, bytes.data() + sent, bytes.size() - sent);
    if (n <= 0) throw std::runtime_error("cannot write to chromium's DevTools pipe");
    sent += size_t(n);
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(int(timeout_s * 1000));
  while (true) {
    const double left = seconds_left(deadline);
    if (left <= 0) throw std::runtime_error("chromium did not answer " + method);
    json reply = next_message(left);
    if (reply.is_null()) continue;
    if (reply.contains("id") && reply["id"] == id) {
      if (reply.contains("error")) {
        throw std::runtime_error(method + ": " + reply["error"].dump());
      }
      return reply.value("result", json::object());
    }
    if (reply.contains("method")) events_.push_back(std::move(reply));
  }
}

json BrowserPage::evaluate(const std::string& expression) {
  const json result = command("Runtime.evaluate", {{"expression", expression},
                                                   {"returnByValue", true},
                                                   {"awaitPromise", true},
                                                   {"userGesture", true}});
  if (result.contains("exceptionDetails")) {
    const json& details = result["exceptionDetails"];
    // Appended piece by piece: "literal" + std::string trips GCC 12's -Wrestrict.
    std::string message = "page script failed: ";
    message += details.value("text", "exception");
    if (details.contains("exception")) {
      message += ' ';
      message += details["exception"].value("description", "");
    }
    message += "\nin: ";
    message += expression.substr(0, 300);
    throw std::runtime_error(message);
  }
  return result.contains("result") ? result["result"].value("value", json()) : json();
}

bool BrowserPage::wait_for(const std::string& expression, double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(int(timeout_s * 1000));
  while (true) {
    const json value = evaluate("!!(" + expression + ")");
    if (value.is_boolean() && value.get<bool>()) return true;
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int BrowserPage::open(const std::string& url, double timeout_s) {
  command("Page.navigate", {{"url", url}});
  const std::string ready = "document.documentElement.dataset.readyMs";
  // A navigation that only changes the fragment keeps the old document: wait for a fresh one.
  // A report page reads the browser's saved reviews just after it marks itself ready.
  if (!wait_for("document.readyState === 'complete' && " + ready +
                    " && location.href === " + json(url).dump() +
                    " && (document.documentElement.dataset.reviewsLoaded ||"
                    " !document.getElementById('evalkit-data'))",
                timeout_s)) {
    throw std::runtime_error("the page never became interactive: " + url);
  }
  return std::stoi(evaluate(ready).get<std::string>());
}

void BrowserPage::click(const std::string& selector) {
  const json box = evaluate("(() => { const e = document.querySelector(" + json(selector).dump() +
                            ");"
                            " if (!e) return {missing: true};"
                            " e.scrollIntoView({block: 'center', inline: 'nearest'});"
                            " const r = e.getBoundingClientRect();"
                            " const x = r.left + r.width / 2, y = r.top + r.height / 2;"
                            " const hit = document.elementFromPoint(x, y);"
                            " return {x: x, y: y, w: r.width, h: r.height,"
                            "   covered: !hit || !(hit === e || e.contains(hit)),"
                            "   hit: hit ? hit.outerHTML.slice(0, 200) : ''}; })()");
  if (box.value("missing", false)) throw std::runtime_error("no element matches " + selector);
  if (box["w"].get<double>() <= 0 || box["h"].get<double>() <= 0) {
    throw std::runtime_error("element has no size: " + selector);
  }
  if (box["covered"].get<bool>()) {
    throw std::runtime_error(selector + " is covered by " + box["hit"].get<std::string>());
  }
  for (const char* type : {"mouseMoved", "mousePressed", "mouseReleased"}) {
    json params = {{"type", type}, {"x", box["x"]}, {"y", box["y"]}};
    if (std::string(type) != "mouseMoved") {
      params["button"] = "left";
      params["clickCount"] = 1;
    }
    command("Input.dispatchMouseEvent", params);
  }
}

void BrowserPage::type(const std::string& selector, const std::string& text) {
  const json found =
      evaluate("(() => { const e = document.querySelector(" + json(selector).dump() +
               "); if (!e) return false; e.focus(); return document.activeElement === e; })()");
  if (!found.is_boolean() || !found.get<bool>()) {
    throw std::runtime_error("cannot focus " + selector);
  }
  command("Input.insertText", {{"text", text}});
}

void BrowserPage::press(const std::string& key) {
  struct Key {
    const char* key;
    const char* code;
    int virtual_code;
    const char* text;
  };
  static const Key kKeys[] = {{"Enter", "Enter", 13, "\r"},
                              {"Escape", "Escape", 27, ""},
                              {"Tab", "Tab", 9, ""},
                              {" ", "Space", 32, " "}};
  for (const Key& k : kKeys) {
    if (key != k.key) continue;
    json down = {{"type", "keyDown"},
                 {"key", k.key},
                 {"code", k.code},
                 {"windowsVirtualKeyCode", k.virtual_code}};
    if (*k.text) down["text"] = k.text;
    command("Input.dispatchKeyEvent", down);
    command("Input.dispatchKeyEvent", {{"type", "keyUp"},
                                       {"key", k.key},
                                       {"code", k.code},
                                       {"windowsVirtualKeyCode", k.virtual_code}});
    return;
  }
  throw std::runtime_error("no such key: " + key);
}

void BrowserPage::screenshot(const std::string& path, bool full_page) {
  json params = {{"format", "png"}};
  if (full_page) params["captureBeyondViewport"] = true;
  const json shot = command("Page.captureScreenshot", params);
  std::ofstream out(path, std::ios::binary);
  out << base64_decode(shot.value("data", ""));
  if (!out) throw std::runtime_error("cannot write " + path);
}

double BrowserPage::main_thread_cpu_ms() {
  for (const json& metric : command("Performance.getMetrics").value("metrics", json::array())) {
    if (metric.value("name", "") == "ThreadTime") return metric.value("value", 0.0) * 1000;
  }
  throw std::runtime_error("chromium reported no ThreadTime metric");
}

std::string BrowserPage::wait_for_download(double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(int(timeout_s * 1000));
  std::string guid, name;
  while (true) {
    while (!events_.empty()) {
      json event = std::move(events_.front());
      events_.pop_front();
      const std::string method = event.value("method", "");
      const json params = event.value("params", json::object());
      if (method == "Browser.downloadWillBegin") {
        guid = params.value("guid", "");
        name = params.value("suggestedFilename", "");
      } else if (method == "Browser.downloadProgress" && params.value("guid", "") == guid &&
                 params.value("state", "") == "completed") {
        return download_dir_ + "/" + guid;  // allowAndName saves it under its guid
      }
    }
    const double left = seconds_left(deadline);
    if (left <= 0) return "";
    json message = next_message(std::min(left, 0.2));
    if (message.is_object() && message.contains("method")) events_.push_back(std::move(message));
  }
}

}  // namespace evalkit::testing
