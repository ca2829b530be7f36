// An evalkit `script` check in Node (docs/scripts.md): when the trial asks for the weather,
// the answer must call get_weather with the capital as `city`; otherwise it must not call any
// tool. One trial a line on stdin, one verdict a line on stdout.
'use strict';
const readline = require('readline');

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  const trial = JSON.parse(line);
  const calls = (trial.answer && trial.answer.tool_calls) || [];
  let verdict;
  if (trial.vars.ask === 'weather') {
    const call = calls.find((c) => c.name === 'get_weather');
    const city = call && call.arguments && call.arguments.city;
    verdict = {
      pass: Boolean(city) && trial.expected.includes(city),
      reason: call ? `get_weather(city=${JSON.stringify(city)})` : 'no get_weather call',
    };
  } else {
    verdict = { pass: calls.length === 0, reason: `${calls.length} tool call(s)` };
  }
  process.stdout.write(`${JSON.stringify(verdict)}\n`);
});
