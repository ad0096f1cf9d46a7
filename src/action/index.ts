// The GitHub Action: run() is what dist/index.js calls (src/action/main.ts).
export { type ActionInputs, InputError, parseInputs, type Shard } from './inputs.js';
export { run } from './run.js';
