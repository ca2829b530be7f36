# A promptfoo-style Python provider (call_api), run by evalkit's share/evalkit shim.
CITIES = {"France": "Paris", "Japan": "Tokyo"}


def call_api(prompt, options, context):
    country = context["vars"]["country"]
    prefix = options["config"].get("prefix", "")
    return {"output": "%s%s" % (prefix, CITIES.get(country, "unknown")),
            "tokenUsage": {"prompt": len(prompt.split()), "completion": 1, "total": 0}}
