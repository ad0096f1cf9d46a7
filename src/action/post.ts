// The action's post step (action.yml runs.post), kept thin: it removes what a cancelled job left.
import { runPost } from './post-cleanup.js';

await runPost();
