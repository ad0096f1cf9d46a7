// The action's entry point, kept thin: everything lives in run().
import { run } from './run.js';

await run();
