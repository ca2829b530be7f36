// A promptfoo-style JavaScript assertion file, run by evalkit's share/evalkit shim.
module.exports = (output, context) => {
  const city = context.vars.city;
  const named = output.includes(city);
  console.log('checking', city);  // goes to stderr, never into the protocol
  return {
    pass: named && output.length <= context.config.maxLength,
    score: named ? 1 : 0,
    reason: named ? `mentions ${city}` : `does not mention ${city}`,
  };
};
