# evalkit's worker for promptfoo-style Python code: `python` assertions (inline code or
# file://x.py:get_assert) and `python:`/file://x.py providers (call_api). It speaks evalkit's
# JSON-lines protocol (docs/scripts.md): one request a line on stdin, one answer a line on
# stdout. Anything the user's code prints goes to stderr, which evalkit keeps as the log.
import asyncio
import importlib.util
import inspect
import json
import math
import os
import re
import sys
import traceback

_protocol = sys.stdout
_protocol.reconfigure(encoding="utf-8")
sys.stdin.reconfigure(encoding="utf-8")
sys.stdout = sys.stderr

_modules = {}
_inline = {}


def _load_module(path):
    module = _modules.get(path)
    if module is None:
        directory = os.path.dirname(path)
        if directory not in sys.path:
            sys.path.insert(0, directory)
        spec = importlib.util.spec_from_file_location(
            "evalkit_user_%d" % len(_modules), path)
        if spec is None or spec.loader is None:
            raise ImportError("cannot load %s" % path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _modules[path] = module
    return module


def _file_function(target, default_name):
    module = _load_module(target["file"])
    name = target.get("function") or default_name
    function = getattr(module, name, None)
    if not callable(function):
        raise AttributeError("%s has no function '%s'" % (target["file"], name))
    return function


def _inline_function(code):
    function = _inline.get(code)
    if function is not None:
        return function
    body = code.rstrip()
    if "\n" in body:
        # The body of def main(output, context), indented like its first indented line.
        indent = "    "
        match = re.search(r"^(?!\s*$)(\s+)", body, re.M)
        if match:
            indent = match.group(1)
        lines = "\n".join(indent + line for line in body.split("\n"))
    else:
        lines = "    return " + body
    source = "def main(output, context):\n" + lines + "\n"
    namespace = {"json": json, "math": math, "re": re}
    exec(compile(source, "<python assertion>", "exec"), namespace)
    function = namespace["main"]
    _inline[code] = function
    return function


def _call(function, *args):
    result = function(*args)
    if inspect.isawaitable(result):
        result = asyncio.run(_await(result))
    return result


async def _await(value):
    return await value


def _camel(value):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "pass_":
                key = "pass"
            elif "_" in key:
                head, *rest = key.split("_")
                key = head + "".join(part[:1].upper() + part[1:] for part in rest)
            out[key] = _camel(item)
        return out
    if isinstance(value, list):
        return [_camel(item) for item in value]
    return value


def _object_attributes(value):
    # A dataclass or object with attributes (GradingResult(pass_=..., score=...)).
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return dict(vars(value))
    return value


def _grade(result, threshold):
    if isinstance(result, str):
        lowered = result.strip().lower()
        if lowered in ("true", "false"):
            result = lowered == "true"
        elif result.startswith("{"):
            result = json.loads(result)
    if isinstance(result, bool):
        return {"pass": result, "score": 1.0 if result else 0.0,
                "reason": "Assertion passed" if result else "Python code returned false"}
    if isinstance(result, (int, float)) or isinstance(result, str):
        score = float(result)
        if not math.isfinite(score):
            raise ValueError("the score is not a finite number: %r" % (result,))
        passed = score > 0 if threshold is None else score >= threshold
        return {"pass": passed, "score": score,
                "reason": "Assertion passed" if passed else "Python code returned false"}
    result = _object_attributes(result)
    if isinstance(result, dict):
        graded = _camel(result)
        if not isinstance(graded.get("pass"), bool):
            raise ValueError("Python assertion must return a boolean, number, or "
                             "{pass, score, reason} object. Got instead: %s"
                             % json.dumps(graded, default=str)[:500])
        score = graded.get("score", 1.0 if graded["pass"] else 0.0)
        reason = graded.get("reason") or ""
        passed = graded["pass"]
        if threshold is not None and score < threshold:
            passed = False
            message = "Python score %s is less than threshold %s" % (score, threshold)
            reason = message + (": " + reason if reason else "")
        details = {key: graded[key] for key in ("componentResults", "namedScores")
                   if key in graded}
        answer = {"pass": passed, "score": score, "reason": reason}
        if details:
            answer["details"] = details
        return answer
    raise ValueError("Python assertion must return a boolean, number, or {pass, score, "
                     "reason} object. Instead got: %r" % (result,))


def _assertion_output(request):
    answer = request.get("answer") or {}
    calls = answer.get("tool_calls")
    if calls and not request.get("output"):
        return [{"id": c.get("id", ""), "type": "function",
                 "function": {"name": c.get("name", ""),
                              "arguments": json.dumps(c.get("arguments"))}} for c in calls]
    return request.get("output", "")


def _score(request):
    target = request["assertion"]
    threshold = request.get("threshold")
    answer = request.get("answer") or {}
    context = {
        "prompt": request.get("prompt", ""),
        "vars": request.get("vars", {}),
        "test": {"vars": request.get("vars", {})},
        "config": request.get("config", {}),
        "providerResponse": {
            "output": request.get("output", ""),
            "tokenUsage": {"prompt": answer.get("prompt_tokens", 0),
                           "completion": answer.get("completion_tokens", 0),
                           "total": answer.get("prompt_tokens", 0) + answer.get("completion_tokens", 0)},
        },
        "logProbs": None,
    }
    try:
        if "file" in target:
            function = _file_function(target, "get_assert")
        else:
            function = _inline_function(target["code"])
        result = _call(function, _assertion_output(request), context)
        return _grade(result, threshold)
    except Exception as error:  # the assertion failed, as promptfoo reports it
        traceback.print_exc()
        return {"pass": False, "score": 0.0,
                "reason": "Python code execution failed: %s: %s" % (type(error).__name__, error)}


def _provider_prompt(request):
    messages = request.get("messages") or []
    if len(messages) == 1 and messages[0].get("role") == "user":
        return messages[0].get("content", "")
    if not messages:
        return request.get("prompt", "")
    return json.dumps(messages)


def _provide(request):
    target = request["provider_script"]
    options = {"id": request.get("provider", ""), "config": request.get("config") or {}}
    context = {"vars": request.get("vars", {}),
               "prompt": {"raw": _provider_prompt(request), "label": request.get("prompt_id", "")},
               "test": {"vars": request.get("vars", {})}}
    function = _file_function(target, "call_api")
    result = _call(function, _provider_prompt(request), options, context)
    result = _object_attributes(result)
    if not isinstance(result, dict):
        return {"error": "call_api must return a dict with 'output' or 'error', got %r"
                % (type(result).__name__,)}
    result = _camel(result)
    if result.get("error"):
        return {"error": str(result["error"])}
    answer = {"output": result.get("output", "")}
    usage = result.get("tokenUsage") or {}
    if isinstance(usage, dict) and (usage.get("prompt") is not None or usage.get("completion") is not None):
        answer["usage"] = {"prompt_tokens": usage.get("prompt") or 0,
                           "completion_tokens": usage.get("completion") or 0}
    if isinstance(result.get("latencyMs"), (int, float)):
        answer["latency_s"] = result["latencyMs"] / 1000.0
    return answer


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if request.get("kind") == "call":
                answer = _provide(request)
            else:
                answer = _score(request)
        except Exception as error:
            traceback.print_exc()
            answer = {"error": "%s: %s" % (type(error).__name__, error)}
        _protocol.write(json.dumps(answer, default=str) + "\n")
        _protocol.flush()


main()
