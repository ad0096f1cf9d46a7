/** `factory-bench view`: a local web server over a runs folder (report pages, lists and filters). */
export { isInside, readRunFile } from './files.js';
export { facets, LIST_LIMIT, listRunEntries, listSuiteRuns } from './queries.js';
export { startViewer, type Viewer, type ViewerOptions } from './server.js';
