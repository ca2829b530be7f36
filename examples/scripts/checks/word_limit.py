#!/usr/bin/env python3
"""An evalkit `script` check (docs/scripts.md): the answer names the expected city and stays
within config.max_words. One trial a line on stdin, one verdict a line on stdout."""
import json
import sys

for line in sys.stdin:
    trial = json.loads(line)
    output = trial["output"]
    words = len(output.split())
    limit = trial["config"].get("max_words", 12)
    named = any(city.lower() in output.lower() for city in trial["expected"])
    verdict = {
        "pass": named and words <= limit,
        "score": (0.5 if named else 0.0) + (0.5 if words <= limit else 0.0),
        "reason": "%s the expected city; %d words (limit %d)"
                  % ("names" if named else "does not name", words, limit),
        "details": {"words": words},
    }
    print(json.dumps(verdict), flush=True)
