#include "evalkit/report/html_report.h"

#include <stdexcept>
#include <string_view>

#include "evalkit/base/embedded.h"
#include "evalkit/base/files.h"
#include "evalkit/base/hash.h"
#include "evalkit/report/document_fields.h"
#include "evalkit/report/html_page_data.h"
#include "evalkit/report/report_text.h"

namespace evalkit {
namespace {

std::string_view asset(std::string_view path) {
  const std::optional<std::string_view> contents = embedded_file(path);
  // The assets are compiled in; missing one is a build error, not a user error.
  if (!contents) throw std::logic_error("report asset not embedded: " + std::string(path));
  return *contents;
}

// JSON that can sit inside <script> verbatim: escaping <, > and & means no "</script",
// "<!--" or "]]>" can appear, and U+2028/U+2029 are escaped for older JS parsers.
std::string script_safe_json(const nlohmann::json& document) {
  const std::string json = document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(json.size() + json.size() / 16);
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
               (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
      out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8 |
                       (unsigned char)bytes[i + 2];
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
            kAlphabet[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = (unsigned char)bytes[i] << 16;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

// CSP source for an inline script: 'sha256-<base64 of the digest>'.
std::string script_hash_source(std::string_view script) {
  const std::string hex = sha256_hex(script);
  std::string digest;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    digest += char(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return "'sha256-" + base64(digest) + "'";
}

}  // namespace

std::string html_report_script() {
  // The building blocks first: report.js draws the page with them. One element, one hash.
  std::string script;
  for (const char* part : {"reports/report_widgets.js", "reports/report_summary.js",
                           "reports/report_review.js", "reports/report_matrix.js",
                           "reports/report.js"}) {
    script += asset(part);
    script += '\n';
  }
  return script;
}

std::string render_html_report(const nlohmann::json& document) {
  const std::string_view page = asset("reports/report.html");
  const std::string script = html_report_script();
  // Only the page's own script may run, even if markup ever slipped into the page.
  const std::string csp = "default-src 'none'; script-src " + script_hash_source(script) +
                          "; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                          "form-action 'none'";
  const std::string suite = text_field(object_field(document, "run"), "suite", "run");
  const std::string data = script_safe_json(html_page_data(document));

  // One pass over the template, so a placeholder-like string inside the data is never
  // substituted.
  std::string out;
  out.reserve(page.size() + data.size() + script.size() + 16384);
  size_t pos = 0;
  while (pos < page.size()) {
    const size_t open = page.find("{{", pos);
    if (open == std::string_view::npos) break;
    const size_t close = page.find("}}", open);
    if (close == std::string_view::npos) break;
    out.append(page.substr(pos, open - pos));
    const std::string_view name = page.substr(open + 2, close - open - 2);
    if (name == "csp") {
      out += csp;  // our own constant text: no quote, ampersand or angle bracket
    } else if (name == "title") {
      out += html_escape(valid_utf8("evalkit · " + suite));
    } else if (name == "style") {
      out += asset("reports/report.css");
    } else if (name == "data") {
      out += data;
    } else if (name == "script") {
      out += script;
    } else {
      out.append(page.substr(open, close + 2 - open));
    }
    pos = close + 2;
  }
  out.append(page.substr(pos));
  return out;
}

Status write_html_report(const nlohmann::json& document, const std::string& path) {
  return write_file_atomic(path, render_html_report(document));
}

}  // namespace evalkit
