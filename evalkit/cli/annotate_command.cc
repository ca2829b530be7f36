// evalkit annotate: reviewer verdicts and comments kept with a run. The HTML report's
// "Export reviews" writes the file `annotate import` reads; the next report of the run
// shows them.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include <boost/program_options.hpp>

#include "evalkit/base/files.h"
#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"
#include "evalkit/report/annotation_file.h"
#include "evalkit/report/report_text.h"
#include "evalkit/store/annotation_store.h"
#include "evalkit/store/store.h"

namespace po = boost::program_options;

namespace evalkit::cli {
namespace {

const char* kUsage = R"(Usage: evalkit annotate import FILE [--db DB] [--author NAME]
       evalkit annotate list RUN [--db DB]
       evalkit annotate export RUN FILE [--db DB]

Reviewer annotations: a pass/fail verdict that overrides evalkit's for a person reading the
report, and a comment. Review trials in the HTML report, press "Export reviews", then
import the file: the run's next report (evalkit report RUN --html F) shows them. They never
change a trial's stored result or the gate.

  import FILE   store the file's annotations with its run (all or nothing); an entry with
                no verdict and no comment removes the stored one
  list RUN      print the run's annotations (RUN: an id, a unique prefix, or 'last')
  export RUN F  write the run's annotations in the same format
)";

// Reads at most limit + 1 bytes, so a huge or endless input is refused without reading it all.
Status read_capped(const std::string& path, size_t limit, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::error("cannot read " + path);
  text->clear();
  char chunk[65536];
  while (in && text->size() <= limit) {
    in.read(chunk, sizeof chunk);
    text->append(chunk, size_t(in.gcount()));
  }
  if (in.bad()) return Status::error("cannot read " + path);
  return Status::ok();
}

struct Options {
  std::string db = default_db_path();
  std::string author;
  std::vector<std::string> positional;
  bool help = false;
};

bool parse(const Args& args, Options* o) {
  po::options_description options;
  options.add_options()("help,h", "")("db", po::value<std::string>(&o->db), "")(
      "author", po::value<std::string>(&o->author), "")(
      "args", po::value<std::vector<std::string>>(&o->positional), "");
  po::positional_options_description positional;
  positional.add("args", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "evalkit annotate: %s\n", e.what());
    return false;
  }
  o->help = vm.count("help") > 0;
  return true;
}

bool open_run(Store* store, const std::string& db, const std::string& ref, std::string* run_id,
              int* code) {
  if (Status s = store->open(db); !s) {
    std::fprintf(stderr, "evalkit annotate: %s\n", s.message().c_str());
    *code = exit_code::kInfrastructure;
    return false;
  }
  if (Status s = store->resolve_run_id(ref, "", run_id); !s) {
    std::fprintf(stderr, "evalkit annotate: %s\n", s.message().c_str());
    *code = exit_code::kUsageError;
    return false;
  }
  return true;
}

int import_annotations(const Options& o) {
  const std::string& path = o.positional[1];
  std::string text;
  if (Status s = read_capped(path, kMaxAnnotationFileBytes, &text); !s) {
    std::fprintf(stderr, "evalkit annotate: %s\n", s.message().c_str());
    return exit_code::kUsageError;
  }
  AnnotationFile file;
  if (Status s = parse_annotation_file(text, path, &file); !s) {
    std::fprintf(stderr, "evalkit annotate: %s\n", s.message().c_str());
    return exit_code::kUsageError;
  }
  Store store;
  if (Status s = store.open(o.db); !s) {
    std::fprintf(stderr, "evalkit annotate: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  RunRecord run;
  if (Status s = store.load_run(file.run_id, &run); !s || run.id != file.run_id) {
    std::fprintf(stderr,
                 "evalkit annotate: %s: run %s is not in %s (annotations belong to the run whose "
                 "report they were made in; pass that run's --db)\n",
                 path.c_str(), file.run_id.c_str(), o.db.c_str());
    return exit_code::kUsageError;
  }
  std::vector<TrialResult> trials;
  if (Status s = store.load_trials(file.run_id, &trials); !s) {
    std::fprintf(stderr, "evalkit annotate: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  if (Status s = match_annotation_trials(file, path, trials); !s) {
    std::fprintf(stderr, "evalkit annotate: %s\n", s.message().c_str());
    return exit_code::kUsageError;
  }
  std::vector<Annotation> stored;
  std::vector<int64_t> cleared;
  int overrides = 0;
  for (const AnnotationEntry& e : file.entries) {
    if (e.cleared) {
      cleared.push_back(e.annotation.trial_index);
      continue;
    }
    Annotation a = e.annotation;
    if (a.author.empty()) a.author = valid_utf8(o.author);
    if (!a.verdict.empty()) ++overrides;
    stored.push_back(std::move(a));
  }
  if (Status s = write_annotations(store, file.run_id, stored, cleared); !s) {
    std::fprintf(stderr, "evalkit annotate: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  std::printf("Stored %zu annotations (%d with a verdict) and removed %zu for run %s.\n",
              stored.size(), overrides, cleared.size(), file.run_id.c_str());
  std::printf("Show them: evalkit report %s --html report.html%s%s\n", file.run_id.c_str(),
              o.db == default_db_path() ? "" : " --db ",
              o.db == default_db_path() ? "" : o.db.c_str());
  return exit_code::kPassed;
}

// A stored run's annotations with the trials they belong to (by index).
struct RunAnnotations {
  std::string run_id;
  std::vector<Annotation> annotations;
  std::vector<TrialResult> trials;
  std::map<int64_t, const TrialResult*> by_index;
};

// Opens the store and reads RUN's annotations and trials; returns 0 or the exit code.
int read_run_annotations(const Options& o, RunAnnotations* out) {
  Store store;
  int code = 0;
  if (!open_run(&store, o.db, o.positional[1], &out->run_id, &code)) return code;
  if (Status s = load_annotations(store, out->run_id, &out->annotations); !s) {
    std::fprintf(stderr, "evalkit annotate: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  store.load_trials(out->run_id, &out->trials);
  for (const auto& t : out->trials) out->by_index[t.index] = &t;
  return 0;
}

int list_annotations(const Options& o) {
  RunAnnotations run;
  if (const int code = read_run_annotations(o, &run); code != 0) return code;
  const std::string& run_id = run.run_id;
  const auto& annotations = run.annotations;
  const auto& by_index = run.by_index;
  std::printf("%zu annotations for run %s\n", annotations.size(), run_id.c_str());
  for (const Annotation& a : annotations) {
    const auto it = by_index.find(a.trial_index);
    const TrialResult* t = it == by_index.end() ? nullptr : it->second;
    std::printf(
        "#%lld %s: %s%s%s\n", static_cast<long long>(a.trial_index + 1),
        t ? single_line(t->key.case_id).c_str() : "?",
        a.verdict.empty() ? "comment" : ("reviewed " + a.verdict).c_str(),
        t ? (t->pass ? " (evalkit: pass)" : " (evalkit: fail)") : "",
        a.comment.empty() ? "" : (" — " + single_line(truncate_utf8(a.comment, 200))).c_str());
  }
  return exit_code::kPassed;
}

int export_annotations(const Options& o) {
  RunAnnotations run;
  if (const int code = read_run_annotations(o, &run); code != 0) return code;
  const std::string& run_id = run.run_id;
  const auto& annotations = run.annotations;
  const auto& by_index = run.by_index;
  nlohmann::json list = nlohmann::json::array();
  for (const Annotation& a : annotations) {
    nlohmann::json entry = annotation_to_json(a);
    entry["trial_index"] = a.trial_index;
    if (const auto it = by_index.find(a.trial_index); it != by_index.end()) {
      entry["case_id"] = it->second->key.case_id;
      entry["prompt_id"] = it->second->key.prompt_id;
      entry["provider_id"] = it->second->key.provider_id;
      entry["repeat"] = it->second->key.repeat;
    }
    list.push_back(std::move(entry));
  }
  const nlohmann::json document = {{"format", "evalkit-annotations"},
                                   {"version", 1},
                                   {"run_id", run_id},
                                   {"exported_at", utc_now_iso8601()},
                                   {"annotations", std::move(list)}};
  if (Status s = write_file_atomic(
          o.positional[2],
          document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
      !s) {
    std::fprintf(stderr, "evalkit annotate: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  std::printf("Wrote %zu annotations of run %s to %s\n", annotations.size(), run_id.c_str(),
              o.positional[2].c_str());
  return exit_code::kPassed;
}

}  // namespace

int annotate_command(const Args& args) {
  Options o;
  if (!parse(args, &o)) return exit_code::kUsageError;
  const std::string verb = o.positional.empty() ? "" : o.positional[0];
  const size_t want = verb == "import" || verb == "list" ? 2 : verb == "export" ? 3 : 0;
  if (o.help || want == 0 || o.positional.size() != want) {
    std::fputs(kUsage, o.help ? stdout : stderr);
    if (!o.help && want != 0) {
      std::fprintf(stderr, "\nevalkit annotate %s: expected %zu argument(s), got %zu\n",
                   verb.c_str(), want - 1, o.positional.size() - 1);
    }
    return o.help ? exit_code::kPassed : exit_code::kUsageError;
  }
  if (verb == "import") return import_annotations(o);
  if (verb == "list") return list_annotations(o);
  return export_annotations(o);
}

}  // namespace evalkit::cli
