// The GitHub Action: run() is what dist/index.js calls (src/action/main.ts), runPost() what the post
// step's dist/post/index.js calls (src/action/post.ts).
export { type ActionInputs, InputError, parseInputs, type Shard } from './inputs.js';
export { OWNER_STATE, recordSandboxOwner, runPost } from './post-cleanup.js';
export { run } from './run.js';
