// A promptfoo-style JavaScript provider (a class with callApi), run by evalkit's shim.
const CITIES = { France: 'Paris', Japan: 'Tokyo' };

module.exports = class CityProvider {
  constructor(options) {
    this.prefix = (options.config && options.config.prefix) || '';
  }

  id() {
    return 'city-provider';
  }

  async callApi(prompt, context) {
    return { output: `${this.prefix}${CITIES[context.vars.country] || 'unknown'}`,
             tokenUsage: { prompt: prompt.split(' ').length, completion: 1 } };
  }
};
