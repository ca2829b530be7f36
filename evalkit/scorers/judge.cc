#include "evalkit/scorers/judge.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "evalkit/base/number_text.h"
#include "evalkit/scorers/judge_template.h"
#include "evalkit/scorers/scorer_options.h"
#include "evalkit/suite/template.h"

namespace evalkit {
namespace {

struct JudgeSettings {
  std::string provider;
  std::map<std::string, std::string> fills;  // rubric, criteria, steps
  std::optional<std::string> context;        // {{context}}; by default the case's vars.context
  int samples = 1;
  bool majority = false;
  double temperature = 0;
  int64_t seed = 0;
  double threshold = 0.5;
};

class JudgeScorer final : public Scorer {
 public:
  JudgeScorer(std::shared_ptr<const JudgeTemplate> judge_template, JudgeSettings settings, double weight,
              std::string display_name)
      : template_(std::move(judge_template)),
        settings_(std::move(settings)),
        weight_(weight),
        name_(display_name.empty() ? "judge_" + template_->name : std::move(display_name)) {}

  std::string name() const override { return name_; }

  std::string signature() const override {
    return "judge|template:" + template_->name + "@" + template_->content_hash.substr(0, 12) +
           "|provider:" + settings_.provider + "|samples:" + std::to_string(settings_.samples) +
           "|aggregate:" + (settings_.majority ? "majority" : "mean") +
           "|temperature:" + format_number(settings_.temperature) +
           "|seed:" + std::to_string(settings_.seed);
  }

  std::vector<ModelRequest> requests(const ScoreInput& input) const override {
    std::vector<ModelRequest> out;
    for (int order = 0; order < orders(); ++order) {
      std::vector<ChatMessage> messages;
      if (!render(input, order == 1, &messages, nullptr)) return {};
      for (int sample = 0; sample < settings_.samples; ++sample) {
        ModelRequest request;
        request.provider_id = settings_.provider;
        request.messages = messages;
        request.params = {{"temperature", settings_.temperature},
                          {"seed", settings_.seed + sample}};
        out.push_back(std::move(request));
      }
    }
    return out;
  }

  Score score(const ScoreInput& input) const override {
    Score result;
    result.name = name_;
    result.type = "judge";
    result.signature = signature();
    result.weight = weight_;
    result.details = {{"template", template_->name}, {"template_hash", template_->content_hash}};
    const auto fail = [&](std::string reason) {
      result.error = true;
      result.reason = std::move(reason);
      return result;
    };
    std::vector<ChatMessage> prompt;
    std::string problem;
    if (!render(input, false, &prompt, &problem)) return fail(problem);
    // What the judge saw, for the report's "What the judge saw": its system message and the
    // rendered prompt.
    if (prompt.size() > 1) result.details["system"] = prompt.front().content;
    result.details["prompt"] = prompt.back().content;
    if (template_->pairwise) {
      std::vector<ChatMessage> swapped;
      render(input, true, &swapped, nullptr);
      result.details["prompt_swapped"] = swapped.back().content;
    }
    const size_t expected_calls = static_cast<size_t>(orders() * settings_.samples);
    if (input.model_responses == nullptr || input.model_responses->size() != expected_calls) {
      return fail("expected " + std::to_string(expected_calls) + " judge answers, got " +
                  std::to_string(input.model_responses ? input.model_responses->size() : 0));
    }
    // Per sample: the mean over orders (one order unless pairwise).
    std::vector<double> sample_scores(settings_.samples, 0.0);
    std::vector<std::string> sample_reasons(settings_.samples);
    nlohmann::json verdicts = nlohmann::json::array();
    std::string first_error;
    for (int order = 0; order < orders(); ++order) {
      for (int sample = 0; sample < settings_.samples; ++sample) {
        const ModelResponse& response =
            (*input.model_responses)[static_cast<size_t>(order * settings_.samples + sample)];
        nlohmann::json entry = {{"sample", sample}, {"raw", response.text}};
        if (template_->pairwise) entry["order"] = order == 0 ? "output_first" : "output_second";
        if (!response.ok) {
          entry["error"] = response.error;
          if (first_error.empty()) first_error = "judge call failed: " + response.error;
          verdicts.push_back(std::move(entry));
          continue;
        }
        const Verdict verdict = parse_verdict(template_->verdict, response.text);
        if (!verdict.ok) {
          entry["error"] = verdict.error;
          if (first_error.empty()) {
            first_error = "judge verdict could not be parsed (" + verdict.error +
                          "); raw answer: " + clip(response.text);
          }
          verdicts.push_back(std::move(entry));
          continue;
        }
        // In the swapped order the output is in the second position: its score is 1 - score.
        const double score = order == 1 ? 1.0 - verdict.score : verdict.score;
        entry["label"] = verdict.label;
        entry["score"] = score;
        entry["reason"] = verdict.reason;
        sample_scores[sample] += score / orders();
        if (sample_reasons[sample].empty()) sample_reasons[sample] = verdict.reason;
        verdicts.push_back(std::move(entry));
      }
    }
    result.details["verdicts"] = verdicts;
    if (!first_error.empty()) return fail(first_error);
    const size_t chosen = aggregate(sample_scores, &result.value);
    if (template_->pairwise && settings_.samples >= 1) {
      // Position bias shows as the two orders disagreeing.
      bool consistent = true;
      for (int sample = 0; sample < settings_.samples; ++sample) {
        consistent = consistent &&
                     verdicts[sample]["score"] == verdicts[settings_.samples + sample]["score"];
      }
      result.details["consistent"] = consistent;
    }
    result.pass = result.value >= settings_.threshold;
    result.details["score"] = result.value;
    result.reason = sample_reasons[chosen].empty() ? "judge score " + format_number(result.value)
                                                   : sample_reasons[chosen];
    result.details["reason"] = result.reason;
    return result;
  }

 private:
  int orders() const { return template_->pairwise ? 2 : 1; }

  static std::string clip(const std::string& text) {
    return text.size() > 500 ? text.substr(0, 500) + "…" : text;
  }

  // Sets *value from per-sample scores; returns the sample whose reason speaks for it.
  size_t aggregate(const std::vector<double>& scores, double* value) const {
    if (!settings_.majority) {
      double sum = 0;
      for (double s : scores) sum += s;
      *value = sum / static_cast<double>(scores.size());
      size_t closest = 0;
      for (size_t i = 1; i < scores.size(); ++i) {
        if (std::abs(scores[i] - *value) < std::abs(scores[closest] - *value)) closest = i;
      }
      return closest;
    }
    // The most frequent score; a tie goes to the lower score, the cautious reading.
    size_t best = 0;
    size_t best_count = 0;
    for (size_t i = 0; i < scores.size(); ++i) {
      const size_t count = static_cast<size_t>(std::count(scores.begin(), scores.end(), scores[i]));
      if (count > best_count || (count == best_count && scores[i] < scores[best])) {
        best = i;
        best_count = count;
      }
    }
    *value = scores[best];
    return best;
  }

  // The retrieved context: the scorer's `context` option, else the case's `context` variable
  // (a string, or a list of passages joined by blank lines).
  bool context_text(const ScoreInput& input, std::string* out) const {
    if (settings_.context) {
      *out = *settings_.context;
      return true;
    }
    if (input.vars == nullptr || !input.vars->is_object()) return false;
    const auto it = input.vars->find("context");
    if (it == input.vars->end() || it->is_null()) return false;
    if (it->is_string()) {
      *out = it->get<std::string>();
    } else if (it->is_array()) {
      out->clear();
      for (const auto& passage : *it) {
        *out += (out->empty() ? "" : "\n\n") +
                (passage.is_string() ? passage.get<std::string>() : passage.dump());
      }
    } else {
      *out = it->dump();
    }
    return !out->empty();
  }

  // The judge's messages for input; swapped exchanges output and expected (pairwise).
  bool render(const ScoreInput& input, bool swapped, std::vector<ChatMessage>* messages,
              std::string* problem) const {
    nlohmann::json vars = nlohmann::json::object();
    std::string expected;
    if (input.expected != nullptr) {
      for (const auto& reference : *input.expected) {
        expected += (expected.empty() ? "" : "\n") + reference;
      }
    }
    const bool needs_expected = std::find(template_->variables.begin(), template_->variables.end(),
                                          "expected") != template_->variables.end();
    if (needs_expected && expected.empty()) {
      if (problem) *problem = "judge template '" + template_->name + "' needs an expected answer";
      return false;
    }
    const bool needs_context = std::find(template_->variables.begin(), template_->variables.end(),
                                         "context") != template_->variables.end();
    if (needs_context) {
      std::string context;
      if (!context_text(input, &context)) {
        if (problem) {
          *problem = "judge template '" + template_->name +
                     "' needs {{context}}: give the case a 'context' variable or the scorer a "
                     "'context' option";
        }
        return false;
      }
      vars["context"] = std::move(context);
    }
    vars["input"] = std::string(input.input);
    vars["output"] = swapped ? expected : std::string(input.output);
    vars["expected"] = swapped ? std::string(input.output) : expected;
    for (const auto& [key, value] : settings_.fills) vars[key] = value;
    messages->clear();
    for (const auto& [role, text] :
         {std::pair<const char*, const std::string*>{"system", &template_->system},
          {"user", &template_->user}}) {
      if (text->empty()) continue;
      std::string content;
      if (Status s = render_template(*text, vars, &content); !s) {
        if (problem) *problem = "judge template '" + template_->name + "': " + s.message();
        return false;
      }
      messages->push_back({role, std::move(content)});
    }
    return true;
  }

  std::shared_ptr<const JudgeTemplate> template_;
  JudgeSettings settings_;
  double weight_;
  std::string name_;
};

}  // namespace

std::unique_ptr<Scorer> make_judge_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  std::string template_name;
  JudgeSettings settings;
  options.get_string("template", &template_name);
  options.get_string("provider", &settings.provider);
  for (const char* key : {"rubric", "criteria", "steps"}) {
    std::string value;
    if (options.get_string(key, &value)) settings.fills[key] = value;
  }
  if (const nlohmann::json* context = options.get_json("context")) {
    if (context->is_string()) {
      settings.context = context->get<std::string>();
    } else if (context->is_array() &&
               std::all_of(context->begin(), context->end(),
                           [](const nlohmann::json& p) { return p.is_string(); })) {
      std::string joined;
      for (const auto& p : *context) joined += (joined.empty() ? "" : "\n\n") + p.get<std::string>();
      settings.context = joined;
    } else {
      options.fail("option 'context' must be a string or a list of strings");
    }
  }
  const auto read_number = [&](const char* key, double* out) {
    const nlohmann::json* value = options.get_json(key);
    if (value == nullptr) return;
    if (!value->is_number())
      return options.fail(std::string("option '") + key + "' expects a number");
    *out = value->get<double>();
  };
  double samples = 1;
  double seed = 0;
  read_number("samples", &samples);
  read_number("temperature", &settings.temperature);
  read_number("seed", &seed);
  if (samples < 1 || samples > 100 || samples != static_cast<int>(samples)) {
    options.fail("option 'samples' must be a whole number from 1 to 100");
  }
  if (seed != static_cast<double>(static_cast<int64_t>(seed))) {
    options.fail("option 'seed' must be a whole number");
  }
  settings.samples = static_cast<int>(samples);
  settings.seed = static_cast<int64_t>(seed);
  std::string aggregate = "mean";
  options.get_string("aggregate", &aggregate);
  if (aggregate != "mean" && aggregate != "majority") {
    options.fail("option 'aggregate' must be mean or majority, got '" + aggregate + "'");
  }
  settings.majority = aggregate == "majority";
  const nlohmann::json* choice_scores = options.get_json("choice_scores");
  if (!options.finish(error)) return nullptr;
  if (template_name.empty()) {
    *error = "needs option 'template' (one of " + [] {
      std::string names;
      for (const auto& n : builtin_judge_templates()) names += (names.empty() ? "" : ", ") + n;
      return names;
    }() + ", or a .yaml file)";
    return nullptr;
  }
  if (settings.provider.empty()) {
    *error = "needs a chat provider: set 'provider' or the suite's defaults.judge";
    return nullptr;
  }
  std::shared_ptr<const JudgeTemplate> shared_template;
  if (Status s = load_shared_judge_template(template_name, &shared_template); !s) {
    *error = s.message();
    return nullptr;
  }
  if (choice_scores != nullptr) {
    // Scores of its own: this scorer gets its own copy of the template.
    auto own = std::make_shared<JudgeTemplate>(*shared_template);
    if (!choice_scores->is_object()) {
      *error = "option 'choice_scores' maps choice labels to scores";
      return nullptr;
    }
    for (const auto& [label, value] : choice_scores->items()) {
      std::string key = label;
      for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!own->verdict.choices.count(key)) {
        *error = "option 'choice_scores': template '" + own->name + "' has no choice '" +
                 label + "'";
        return nullptr;
      }
      if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1) {
        *error = "option 'choice_scores': the score of '" + label + "' must be in [0, 1]";
        return nullptr;
      }
      own->verdict.choices[key] = value.get<double>();
    }
    shared_template = std::move(own);
  }
  for (const auto& variable : shared_template->variables) {
    if (variable != "rubric" && variable != "criteria" && variable != "steps") continue;
    if (settings.fills.count(variable)) continue;
    const auto it = shared_template->defaults.find(variable);
    if (it == shared_template->defaults.end()) {
      *error = "template '" + shared_template->name + "' needs option '" + variable + "'";
      return nullptr;
    }
    settings.fills[variable] = it->second;
  }
  settings.threshold = spec.threshold.value_or(shared_template->threshold);
  return std::make_unique<JudgeScorer>(std::move(shared_template), std::move(settings),
                                       spec.weight, spec.name);
}

}  // namespace evalkit
