# A promptfoo-style Python assertion file, run by evalkit's share/evalkit shim.
def get_assert(output, context):
    print("prompt was", context["prompt"])  # goes to stderr, never into the protocol
    return context["vars"]["city"] in output


def polite(output, context):
    return 0.0 if "stupid" in output.lower() else 1.0
