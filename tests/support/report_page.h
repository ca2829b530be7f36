// Helpers shared by the browser tests of the HTML report: pages written to a test folder
// and small questions asked of the drawn page.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "evalkit/report/html_report.h"
#include "tests/support/browser_page.h"
#include "tests/support/process.h"

namespace evalkit::testing {

// Writes the HTML report of document to dir/name and returns its file:// URL.
inline std::string write_report_page(const nlohmann::json& document, const std::string& dir,
                                     const std::string& name) {
  const std::string path = dir + "/" + name;
  if (!write_html_report(document, path).is_ok()) return "";
  return "file://" + path;
}

// The element's box in the viewport: {top, bottom, left, right, width, height}, or null.
inline nlohmann::json box_of(BrowserPage& page, const std::string& selector) {
  return page.evaluate("(() => { const e = document.querySelector(" +
                       nlohmann::json(selector).dump() +
                       "); if (!e) return null; const r = e.getBoundingClientRect();"
                       " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,"
                       " width: r.width, height: r.height}; })()");
}

// The text of the first element matching selector ("" when there is none).
inline std::string text_of(BrowserPage& page, const std::string& selector) {
  const nlohmann::json text =
      page.evaluate("(() => { const e = document.querySelector(" + nlohmann::json(selector).dump() +
                    "); return e ? e.textContent : ''; })()");
  return text.is_string() ? text.get<std::string>() : "";
}

inline int count_in_page(BrowserPage& page, const std::string& selector) {
  return page.evaluate("document.querySelectorAll(" + nlohmann::json(selector).dump() + ").length")
      .get<int>();
}

// How many trials the table lists after the filters (its data-shown).
inline std::string shown_count(BrowserPage& page, const std::string& count_id = "case-count") {
  return text_of(page, "#" + count_id) == ""
             ? ""
             : page.evaluate("document.getElementById('" + count_id + "').dataset.shown")
                   .get<std::string>();
}

// Picks option value in a <select> as a person would (it fires the change event).
inline void choose(BrowserPage& page, const std::string& selector, const std::string& value) {
  page.evaluate("(() => { const s = document.querySelector(" + nlohmann::json(selector).dump() +
                "); s.focus(); s.value = " + nlohmann::json(value).dump() +
                "; s.dispatchEvent(new Event('change', {bubbles: true})); })()");
}

}  // namespace evalkit::testing
