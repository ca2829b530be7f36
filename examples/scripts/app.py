#!/usr/bin/env python3
"""A toy system under test for evalkit's `script` provider (docs/scripts.md).

It stands for a team's own pipeline: evalkit starts it once, writes one request a line on
stdin ({"prompt", "messages", "vars", "params", "config", ...}) and reads one answer a line on
stdout ({"output", "tool_calls", "usage"}). Logs go to stderr.
"""
import json
import sys

CAPITALS = {"France": "Paris", "Japan": "Tokyo", "Peru": "Lima", "Kenya": "Nairobi"}


def answer(request):
    country = request["vars"].get("country", "")
    if request["vars"].get("ask") == "weather":
        # An agent step: the pipeline decides to call a tool instead of answering in text.
        city = CAPITALS.get(country, country)
        return {"output": "", "tool_calls": [
            {"id": "call_1", "name": "get_weather", "arguments": {"city": city}}]}
    capital = CAPITALS.get(country)
    if capital is None:
        return {"output": "I don't know the capital of %s." % country}
    words = request["prompt"].split()
    return {"output": "The capital of %s is %s." % (country, capital),
            "usage": {"prompt_tokens": len(words), "completion_tokens": 6}}


for line in sys.stdin:
    request = json.loads(line)
    print("answering for", request["vars"], file=sys.stderr)
    print(json.dumps(answer(request)), flush=True)
