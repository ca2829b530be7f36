#include "evalkit/model/model_request.h"

namespace evalkit {

nlohmann::json chat_request_identity(const ModelRequest& request) {
  nlohmann::json identity = {{"messages", chat_messages_to_json(request.messages)}};
  if (!request.tools.is_null()) identity["tools"] = request.tools;
  if (!request.tool_choice.is_null()) identity["tool_choice"] = request.tool_choice;
  if (request.vars_in_identity) identity["vars"] = request.vars;
  return identity;
}

}  // namespace evalkit
