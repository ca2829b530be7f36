// evalkit's worker for promptfoo-style JavaScript: `javascript` assertions (inline code or
// file://x.js) and file://x.js providers (a class with callApi). It speaks evalkit's
// JSON-lines protocol (docs/scripts.md): one request a line on stdin, one answer a line on
// stdout. Anything the user's code logs goes to stderr, which evalkit keeps as the log.
'use strict';
const readline = require('readline');
const { pathToFileURL } = require('url');

const writeAnswer = process.stdout.write.bind(process.stdout);
for (const name of ['log', 'info', 'debug', 'warn', 'trace', 'dir', 'table']) {
  console[name] = (...args) => console.error(...args);
}
process.stdout.write = (chunk, ...rest) => process.stderr.write(chunk, ...rest);

const modules = new Map();
const inline = new Map();
const providers = new Map();

async function loadModule(file) {
  if (modules.has(file)) return modules.get(file);
  let loaded;
  if (file.endsWith('.mjs')) {
    loaded = await import(pathToFileURL(file).href);
  } else {
    try {
      loaded = require(file);
    } catch (error) {
      if (error && error.code === 'ERR_REQUIRE_ESM') {
        loaded = await import(pathToFileURL(file).href);
      } else {
        throw error;
      }
    }
  }
  modules.set(file, loaded);
  return loaded;
}

// The export that is the function (or class) the file provides.
function exported(loaded, name) {
  if (name) {
    const named = loaded && (loaded[name] || (loaded.default && loaded.default[name]));
    if (named === undefined) throw new Error(`the file exports no '${name}'`);
    return named;
  }
  if (typeof loaded === 'function') return loaded;
  if (loaded && loaded.default !== undefined) return loaded.default;
  return loaded;
}

// The index of the last ';' at the top level of code (not in a string, comment or brackets).
function lastTopLevelSemicolon(code) {
  let depth = 0;
  let last = -1;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < code.length && code[i] !== c; i++) {
        if (code[i] === '\\') i++;
      }
    } else if (c === '/' && code[i + 1] === '/') {
      while (i < code.length && code[i] !== '\n') i++;
    } else if (c === '/' && code[i + 1] === '*') {
      i = code.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
    } else if (c === ';' && depth === 0) {
      last = i;
    }
  }
  return last;
}

// promptfoo's rules: a multi-line value is a function body; one line is an expression, or
// declarations followed by an expression whose value is returned.
function functionBody(code) {
  const value = code.trimEnd();
  if (value.includes('\n')) return value;
  const trimmed = value.trim().replace(/;+\s*$/, '');
  if (/^(const|let|var)\s/.test(trimmed)) {
    const semicolon = lastTopLevelSemicolon(trimmed);
    if (semicolon >= 0 && trimmed.slice(semicolon + 1).trim()) {
      return `${trimmed.slice(0, semicolon + 1)} return ${trimmed.slice(semicolon + 1).trim()}`;
    }
    return trimmed;
  }
  return `return ${trimmed}`;
}

function inlineFunction(code) {
  if (!inline.has(code)) {
    // eslint-disable-next-line no-new-func
    inline.set(code, new Function('output', 'context', 'process', functionBody(code)));
  }
  return inline.get(code);
}

function grade(result, threshold) {
  if (typeof result === 'string') {
    const lowered = result.trim().toLowerCase();
    if (lowered === 'true' || lowered === 'false') result = lowered === 'true';
    else if (result.startsWith('{')) result = JSON.parse(result);
  }
  if (typeof result === 'boolean') {
    return { pass: result, score: result ? 1 : 0,
             reason: result ? 'Assertion passed' : 'Custom function returned false' };
  }
  if (typeof result === 'number' || typeof result === 'string') {
    const score = Number(result);
    if (!Number.isFinite(score)) {
      throw new Error(`Custom function must return a boolean, a finite number, or a GradingResult object; got ${JSON.stringify(result)}`);
    }
    const pass = threshold === null || threshold === undefined ? score > 0 : score >= threshold;
    return { pass, score, reason: pass ? 'Assertion passed' : 'Custom function returned false' };
  }
  if (result && typeof result === 'object' && typeof result.pass === 'boolean') {
    const score = typeof result.score === 'number' ? result.score : result.pass ? 1 : 0;
    const answer = { pass: result.pass, score, reason: result.reason || '' };
    const details = {};
    if (result.componentResults) details.componentResults = result.componentResults;
    if (result.namedScores) details.namedScores = result.namedScores;
    if (Object.keys(details).length) answer.details = details;
    return answer;
  }
  throw new Error(`Custom function must return a boolean, a finite number, or a GradingResult object. Got type ${typeof result}.`);
}

function assertionOutput(request) {
  const calls = request.answer && request.answer.tool_calls;
  if (calls && calls.length && !request.output) {
    return calls.map((c) => ({ id: c.id || '', type: 'function',
                               function: { name: c.name || '', arguments: JSON.stringify(c.arguments) } }));
  }
  return request.output === undefined ? '' : request.output;
}

async function score(request) {
  const target = request.assertion;
  const answer = request.answer || {};
  const prompt = answer.prompt_tokens || 0;
  const completion = answer.completion_tokens || 0;
  const context = {
    prompt: request.prompt || '',
    vars: request.vars || {},
    test: { vars: request.vars || {} },
    config: request.config || {},
    providerResponse: {
      output: request.output || '',
      tokenUsage: { prompt, completion, total: prompt + completion },
    },
  };
  try {
    let result;
    if (target.file) {
      const fn = exported(await loadModule(target.file), target.function);
      if (typeof fn !== 'function') throw new Error(`${target.file} does not export a function`);
      result = await fn(assertionOutput(request), context);
    } else {
      result = await inlineFunction(target.code)(assertionOutput(request), context, process);
    }
    return grade(result, request.threshold);
  } catch (error) {
    console.error(error && error.stack ? error.stack : String(error));
    return { pass: false, score: 0,
             reason: `Custom function threw error: ${error && error.message ? error.message : String(error)}` };
  }
}

function providerPrompt(request) {
  const messages = request.messages || [];
  if (messages.length === 1 && messages[0].role === 'user') return messages[0].content;
  if (!messages.length) return request.prompt || '';
  return JSON.stringify(messages);
}

async function providerFor(request) {
  const target = request.provider_script;
  const key = `${target.file}\0${target.function || ''}\0${request.provider || ''}`;
  if (providers.has(key)) return providers.get(key);
  const found = exported(await loadModule(target.file), target.function);
  const options = { id: request.provider || '', config: request.config || {} };
  let provider;
  if (typeof found === 'function' && found.prototype && typeof found.prototype.callApi === 'function') {
    provider = new found(options);
  } else if (typeof found === 'function' && /^class\s/.test(Function.prototype.toString.call(found))) {
    provider = new found(options);
  } else if (found && typeof found.callApi === 'function') {
    provider = found;
  } else if (typeof found === 'function') {
    provider = { callApi: found };
  } else {
    throw new Error(`${target.file} exports no provider (a class with callApi, an object with callApi, or a function)`);
  }
  if (typeof provider.callApi !== 'function') throw new Error(`${target.file}: the provider has no callApi`);
  providers.set(key, provider);
  return provider;
}

async function call(request) {
  const provider = await providerFor(request);
  const prompt = providerPrompt(request);
  const context = { vars: request.vars || {}, prompt: { raw: prompt, label: request.prompt_id || '' },
                    test: { vars: request.vars || {} } };
  const options = { id: request.provider || '', config: request.config || {} };
  const result = await provider.callApi(prompt, context, options);
  if (!result || typeof result !== 'object') {
    return { error: `callApi must return an object with 'output' or 'error', got ${typeof result}` };
  }
  if (result.error) return { error: String(result.error) };
  const answer = { output: result.output === undefined ? '' : result.output };
  const usage = result.tokenUsage;
  if (usage && (usage.prompt !== undefined || usage.completion !== undefined)) {
    answer.usage = { prompt_tokens: usage.prompt || 0, completion_tokens: usage.completion || 0 };
  }
  if (typeof result.latencyMs === 'number') answer.latency_s = result.latencyMs / 1000;
  return answer;
}

async function main() {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let answer;
    try {
      const request = JSON.parse(line);
      answer = request.kind === 'call' ? await call(request) : await score(request);
    } catch (error) {
      console.error(error && error.stack ? error.stack : String(error));
      answer = { error: error && error.message ? error.message : String(error) };
    }
    let text;
    try {
      text = JSON.stringify(answer);
    } catch (error) {
      text = JSON.stringify({ error: `the answer cannot be written as JSON: ${error.message}` });
    }
    writeAnswer(`${text}\n`);
  }
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exitCode = 1;
});
