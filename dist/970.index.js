export const id = 970;
export const ids = [970];
export const modules = {

/***/ 80970:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  suiteHistoryChart: () => (/* reexport */ suiteHistoryChart),
  writeSuiteReport: () => (/* reexport */ writeSuiteReport)
});

// UNUSED EXPORTS: HISTORY_LIMIT, agentsByRun, buildRunPage, buildSuitePage, clip, diffWorkspaces, hasColumn, isSafeId, jsonForScript, loadRunDetail, loadWebapp, mermaidHistory, renderPageHtml, runFolder, suiteHistory, webappDir, writeRunReport

// EXTERNAL MODULE: ./build/src/runs/index.js + 13 modules
var runs = __webpack_require__(58789);
;// CONCATENATED MODULE: ./build/src/report/history.js

/** How many earlier suite runs a report's chart shows. */
const HISTORY_LIMIT = 50;
function rate(passed, total) {
    return typeof passed === 'number' && typeof total === 'number' && total > 0 ? passed / total : null;
}
function pointOf(row, current) {
    return {
        suite_run_id: String(row.suite_run_id),
        started_at: String(row.started_at),
        branch: row.branch === null || row.branch === undefined ? null : String(row.branch),
        commit_sha: row.commit_sha === null || row.commit_sha === undefined ? null : String(row.commit_sha),
        model: String(row.model),
        // From the index columns (not summary_json), so that a pruned history still charts.
        pass_rate: rate(row.passed, row.total),
        avg_score: typeof row.avg_score === 'number' ? row.avg_score : null,
        current,
    };
}
/**
 * The recorded, completed suite runs of the head's suite on `branch` (every
 * branch when null) that started before it, oldest first, at most `limit`,
 * then the head itself as the last point.
 */
function suiteHistory(db, head, branch, limit = HISTORY_LIMIT) {
    const where = ['suite_id = ?', "status = 'completed'", 'suite_run_id <> ?', 'started_at <= ?'];
    const params = [head.suite_id, head.suite_run_id, head.started_at];
    if (branch !== null) {
        where.push('branch = ?');
        params.push(branch);
    }
    const earlier = (0,runs/* queryAll */.YG)(db, `SELECT * FROM suite_runs WHERE ${where.join(' AND ')} ORDER BY started_at DESC, suite_run_id DESC LIMIT ?`, [...params, limit]).reverse();
    const own = (0,runs/* queryAll */.YG)(db, 'SELECT * FROM suite_runs WHERE suite_run_id = ?', [head.suite_run_id])[0];
    const points = earlier.map((r) => pointOf(r, false));
    if (own)
        points.push(pointOf(own, true));
    return { suite_id: head.suite_id, branch, points };
}
/** Mermaid needs plain labels: no quotes or brackets. */
function label(p, index) {
    if (p.current)
        return 'this run';
    const sha = p.commit_sha ? p.commit_sha.slice(0, 7) : null;
    return (sha ?? `#${index + 1} ${p.started_at.slice(5, 10)}`).replace(/["[\],]/g, '');
}
const percent = (v) => (v === null ? '0' : String(Math.round(v * 1000) / 10));
/**
 * A Mermaid `xychart-beta` block GitHub draws in a comment: the pass rate as
 * bars and the mean score as a line, in percent, for the last runs on the base
 * branch and this run.
 */
function mermaidHistory(history, lastN = 10) {
    const points = [
        ...history.points.filter((p) => !p.current).slice(-lastN),
        ...history.points.filter((p) => p.current),
    ];
    if (points.length < 2)
        return null;
    const where = history.branch ? ` on ${history.branch.replace(/["[\]]/g, '')}` : '';
    return [
        '```mermaid',
        'xychart-beta',
        `  title "Pass rate (bars) and mean score (line), last runs${where} and this run"`,
        `  x-axis [${points.map((p, i) => `"${label(p, i)}"`).join(', ')}]`,
        '  y-axis "percent" 0 --> 100',
        `  bar [${points.map((p) => percent(p.pass_rate)).join(', ')}]`,
        `  line [${points.map((p) => percent(p.avg_score)).join(', ')}]`,
        '```',
    ].join('\n');
}
//# sourceMappingURL=history.js.map
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(73136);
;// CONCATENATED MODULE: ./build/src/report/html.js




let cached = null;
/**
 * The app's files are beside the action bundle (`dist/webapp/`), or under
 * `build/webapp/` for the CLI (from `build/src/report/`) and for tests (from `src/report/`).
 */
function webappDir() {
    const here = external_node_path_.dirname((0,external_node_url_.fileURLToPath)(import.meta.url));
    const candidates = [
        external_node_path_.join(here, 'webapp'),
        external_node_path_.resolve(here, '../../webapp'),
        external_node_path_.resolve(here, '../../build/webapp'),
    ];
    const found = candidates.find((d) => (0,external_node_fs_.existsSync)(external_node_path_.join(d, 'app.js')));
    if (!found)
        throw new Error(`the report's browser app is not built (looked in ${candidates.join(', ')}); run npm run build`);
    return found;
}
function loadWebapp() {
    if (!cached) {
        const dir = webappDir();
        const script = (0,external_node_fs_.readFileSync)(external_node_path_.join(dir, 'app.js'), 'utf8');
        cached = {
            script,
            style: (0,external_node_fs_.readFileSync)(external_node_path_.join(dir, 'app.css'), 'utf8'),
            scriptHash: (0,external_node_crypto_.createHash)('sha256').update(script).digest('base64'),
        };
    }
    return cached;
}
/** JSON that is safe inside a script element: no `</script>`, no HTML comment openers. */
function jsonForScript(value) {
    return JSON.stringify(value)
        .replace(/</g, '\\u003c')
        .replace(/\u2028/g, '\\u2028')
        .replace(/\u2029/g, '\\u2029');
}
function escapeHtml(s) {
    return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
/**
 * One HTML page holding the app, its styles and the data. A file page may
 * reach nothing (no network at all); a page from `view` may call its own server.
 */
function html_renderPageHtml(page, blocks) {
    const app = loadWebapp();
    const connect = page.server ? "'self'" : "'none'";
    const csp = [
        "default-src 'none'",
        `script-src 'sha256-${app.scriptHash}'`,
        "style-src 'unsafe-inline'",
        'img-src data:',
        `connect-src ${connect}`,
        "base-uri 'none'",
        "form-action 'none'",
    ].join('; ');
    const parts = [
        '<!doctype html>',
        '<html lang="en">',
        '<head>',
        '<meta charset="utf-8">',
        `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        `<title>${escapeHtml(`factory-bench: ${page.title}`)}</title>`,
        `<style>${app.style}</style>`,
        '</head>',
        '<body>',
        '<div id="app"><p class="loading">Loading the report…</p></div>',
        '<noscript><p>This report needs JavaScript; the run folders hold the same data as files.</p></noscript>',
        `<script type="application/json" id="fb-page">${jsonForScript(page)}</script>`,
    ];
    // The app runs before the runs' details are parsed: the first screen does not wait for megabytes
    // of transcripts, and a detail opened early waits for the document to finish (see src/webapp).
    parts.push(`<script>${app.script}</script>`);
    for (const b of blocks)
        parts.push(`<script type="application/json" id="${escapeHtml(b.id)}">${jsonForScript(b.detail)}</script>`);
    parts.push('</body>', '</html>', '');
    return parts.join('\n');
}
//# sourceMappingURL=html.js.map
// EXTERNAL MODULE: ./build/src/suites/index.js + 53 modules
var suites = __webpack_require__(51181);
// EXTERNAL MODULE: ./node_modules/diff/libesm/patch/create.js + 2 modules
var create = __webpack_require__(37291);
;// CONCATENATED MODULE: ./build/src/report/workspace-diff.js



/** Folders that only hold tool state or caches: listing their churn would hide the agent's changes. */
const IGNORED_DIRS = new Set(['.git', '__pycache__', '.pytest_cache', 'node_modules', '.mypy_cache']);
/** Files larger than this are listed as changed, not diffed. */
const MAX_DIFF_BYTES = 512 * 1024;
/** A diff that needs more edits than this is given up (jsdiff is O(N·D)). */
const MAX_EDIT_LENGTH = 20_000;
/** What a run's page may spend on patches; later files are listed without one. */
const MAX_TOTAL_PATCH_CHARS = 2_000_000;
const MAX_FILES = 400;
function walk(root) {
    const out = new Map();
    if (!(0,external_node_fs_.existsSync)(root))
        return out;
    const visit = (dir, rel) => {
        for (const name of (0,external_node_fs_.readdirSync)(dir).sort()) {
            const full = external_node_path_.join(dir, name);
            const r = rel ? `${rel}/${name}` : name;
            const stat = (0,external_node_fs_.lstatSync)(full);
            if (stat.isDirectory()) {
                if (!IGNORED_DIRS.has(name))
                    visit(full, r);
            }
            else if (stat.isSymbolicLink()) {
                // Never followed: a link can point anywhere on the machine.
                out.set(r, { size: 0, link: (0,external_node_fs_.readlinkSync)(full) });
            }
            else if (stat.isFile())
                out.set(r, { size: stat.size, link: null });
        }
    };
    visit(root, '');
    return out;
}
/** Byte equality of two files of the same size, a chunk at a time (workspaces can hold large datasets). */
function sameBytes(a, b) {
    const fa = (0,external_node_fs_.openSync)(a, 'r');
    const fb = (0,external_node_fs_.openSync)(b, 'r');
    try {
        const ba = Buffer.alloc(1 << 20);
        const bb = Buffer.alloc(1 << 20);
        for (;;) {
            const na = (0,external_node_fs_.readSync)(fa, ba, 0, ba.length, null);
            const nb = (0,external_node_fs_.readSync)(fb, bb, 0, bb.length, null);
            if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb)))
                return false;
            if (na === 0)
                return true;
        }
    }
    finally {
        (0,external_node_fs_.closeSync)(fa);
        (0,external_node_fs_.closeSync)(fb);
    }
}
function isBinary(buf) {
    return buf.subarray(0, 8192).includes(0);
}
function readText(root, rel, entry) {
    if (!entry)
        return { text: '', buf: Buffer.alloc(0) };
    if (entry.link !== null) {
        const text = `symbolic link to ${entry.link}\n`;
        return { text, buf: Buffer.from(text) };
    }
    const buf = (0,external_node_fs_.readFileSync)(external_node_path_.join(root, rel));
    return { text: isBinary(buf) ? null : buf.toString('utf8'), buf };
}
function kb(n) {
    return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`;
}
function countLines(patch) {
    let added = 0;
    let removed = 0;
    for (const line of patch.split('\n')) {
        if (line.startsWith('+') && !line.startsWith('+++'))
            added++;
        else if (line.startsWith('-') && !line.startsWith('---'))
            removed++;
    }
    return { added, removed };
}
/**
 * The agent's changes: every file that differs between the seeded workspace
 * and the final one, with a unified diff where one is useful (text, not too
 * large). Symbolic links are described, never followed.
 */
function diffWorkspaces(seedDir, finalDir) {
    if (!(0,external_node_fs_.existsSync)(finalDir))
        return { files: [], unchanged: 0, note: 'no workspace_final/: the run ended before the agent worked' };
    const before = walk(seedDir);
    const after = walk(finalDir);
    const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
    const files = [];
    let unchanged = 0;
    let budget = MAX_TOTAL_PATCH_CHARS;
    let omitted = 0;
    for (const rel of paths) {
        const a = before.get(rel);
        const b = after.get(rel);
        const change = !a ? 'added' : !b ? 'removed' : 'modified';
        if (a && b && a.size === b.size && a.link === b.link) {
            if (a.link !== null || sameBytes(external_node_path_.join(seedDir, rel), external_node_path_.join(finalDir, rel))) {
                unchanged++;
                continue;
            }
        }
        if (files.length >= MAX_FILES) {
            omitted++;
            continue;
        }
        const base = { path: rel, change, patch: null, note: null, added: 0, removed: 0 };
        if ((a?.size ?? 0) > MAX_DIFF_BYTES || (b?.size ?? 0) > MAX_DIFF_BYTES) {
            files.push({ ...base, note: `too large to show (${kb(a?.size ?? 0)} → ${kb(b?.size ?? 0)})` });
            continue;
        }
        const old = readText(seedDir, rel, a);
        const now = readText(finalDir, rel, b);
        if (old.text === null || now.text === null) {
            files.push({ ...base, note: `binary file (${kb(old.buf.length)} → ${kb(now.buf.length)})` });
            continue;
        }
        if (budget <= 0) {
            files.push({ ...base, note: 'not shown: the page already holds as much diff as it can' });
            continue;
        }
        const patch = (0,create/* createTwoFilesPatch */.ss)(change === 'added' ? '/dev/null' : `a/${rel}`, change === 'removed' ? '/dev/null' : `b/${rel}`, old.text, now.text, undefined, undefined, { context: 3, maxEditLength: MAX_EDIT_LENGTH });
        if (patch === undefined) {
            files.push({ ...base, note: 'too many changes to diff line by line' });
            continue;
        }
        // The first two lines repeat the file names the page already shows.
        const body = patch.split('\n').slice(2).join('\n');
        budget -= body.length;
        files.push({ ...base, patch: body, ...countLines(body) });
    }
    const notes = [];
    if (!(0,external_node_fs_.existsSync)(seedDir))
        notes.push('no seeded workspace/ to compare with: every file is listed as added');
    if (omitted > 0)
        notes.push(`${omitted} more changed files are not listed`);
    return { files, unchanged, note: notes.length ? notes.join('; ') : null };
}
//# sourceMappingURL=workspace-diff.js.map
;// CONCATENATED MODULE: ./build/src/report/run-detail.js




/** One string in a page (a tool output, a grader's stdout) keeps at most this much, head and tail. */
const MAX_TEXT_CHARS = 64 * 1024;
/** A transcript beyond this is cut at an event boundary (the file itself stays whole). */
const MAX_TRANSCRIPT_CHARS = 12 * 1024 * 1024;
/** Keeps the head and tail of a long text with a note saying how much was cut. */
function clip(text, max = MAX_TEXT_CHARS) {
    if (text.length <= max)
        return text;
    const keep = Math.floor((max - 80) / 2);
    const cut = text.length - 2 * keep;
    return `${text.slice(0, keep)}\n… ${cut} characters cut here; the run folder has them all …\n${text.slice(-keep)}`;
}
/** Clips every string inside a JSON value. */
function clipDeep(value) {
    if (typeof value === 'string')
        return clip(value);
    if (Array.isArray(value))
        return value.map(clipDeep);
    if (value && typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clipDeep(v)]));
    return value;
}
function readJson(file) {
    return JSON.parse((0,external_node_fs_.readFileSync)(file, 'utf8'));
}
function readTranscript(file, notes) {
    if (!(0,external_node_fs_.existsSync)(file)) {
        notes.push('no transcript.jsonl in the run folder');
        return [];
    }
    const lines = (0,external_node_fs_.readFileSync)(file, 'utf8').split('\n');
    const events = [];
    let size = 0;
    let bad = 0;
    for (const [i, line] of lines.entries()) {
        if (!line.trim())
            continue;
        if (size > MAX_TRANSCRIPT_CHARS) {
            notes.push(`the transcript is long: lines ${i + 1} to ${lines.length} are in transcript.jsonl only`);
            break;
        }
        size += line.length;
        try {
            const parsed = JSON.parse(line);
            if (parsed && typeof parsed === 'object' && typeof parsed.type === 'string')
                events.push(clipDeep(parsed));
            else
                bad++;
        }
        catch {
            bad++;
        }
    }
    if (bad > 0)
        notes.push(`${bad} transcript lines could not be read (a crash mid-write?)`);
    return events;
}
/** grader_outputs/: each check's record and its captured texts, in the order result.json lists them. */
function readChecks(dir, order, notes) {
    if (!(0,external_node_fs_.existsSync)(dir))
        return [];
    const names = (0,external_node_fs_.readdirSync)(dir);
    const records = new Map();
    for (const name of names.filter((n) => n.endsWith('.json'))) {
        try {
            const rec = readJson(external_node_path_.join(dir, name));
            records.set(rec.name ?? name.slice(0, -5), rec);
        }
        catch {
            notes.push(`grader_outputs/${name} could not be read`);
        }
    }
    const ordered = [
        ...order.filter((n) => records.has(n)),
        ...[...records.keys()].filter((n) => !order.includes(n)),
    ];
    return ordered.map((checkName) => {
        const rec = records.get(checkName);
        const texts = {};
        const files = rec.files ?? {};
        // Older runs have no `files` map: find <check>.<kind>.txt beside the record.
        for (const n of names) {
            const m = n.startsWith(`${checkName}.`) && /^(.*)\.([a-z_]+)\.txt$/.exec(n);
            if (m && m[1] === checkName && !(m[2] in files))
                files[m[2]] = n;
        }
        for (const [kind, file] of Object.entries(files)) {
            const full = external_node_path_.join(dir, external_node_path_.basename(file));
            if ((0,external_node_fs_.existsSync)(full) && (0,external_node_fs_.statSync)(full).isFile())
                texts[kind] = clip((0,external_node_fs_.readFileSync)(full, 'utf8'));
        }
        return {
            name: checkName,
            type: rec.type ?? 'unknown',
            tier: rec.tier ?? 'unknown',
            weight: rec.weight ?? 0,
            gating: rec.gating ?? false,
            status: rec.status ?? 'unknown',
            score: rec.score ?? 0,
            explanation: rec.explanation ?? '',
            duration_ms: rec.duration_ms ?? null,
            details: clipDeep(rec.details ?? null),
            texts,
        };
    });
}
/**
 * Everything a page shows about one run, read from its folder: result.json,
 * the transcript, each check's output and the workspace diff. Long texts are
 * clipped and every string is redacted.
 */
function run_detail_loadRunDetail(runDir, runId) {
    const notes = [];
    let result = null;
    const resultFile = external_node_path_.join(runDir, 'result.json');
    if ((0,external_node_fs_.existsSync)(resultFile)) {
        try {
            result = readJson(resultFile);
        }
        catch {
            notes.push('result.json could not be read');
        }
    }
    else
        notes.push('no result.json in the run folder');
    const order = Array.isArray(result?.checks)
        ? result.checks.map((c) => String(c.name))
        : [];
    const detail = {
        run_id: runId,
        result,
        transcript: readTranscript(external_node_path_.join(runDir, 'transcript.jsonl'), notes),
        checks: readChecks(external_node_path_.join(runDir, 'grader_outputs'), order, notes),
        workspace: diffWorkspaces(external_node_path_.join(runDir, 'workspace'), external_node_path_.join(runDir, 'workspace_final')),
        notes,
    };
    return (0,runs/* redactDeep */.KL)(detail);
}
//# sourceMappingURL=run-detail.js.map
;// CONCATENATED MODULE: ./build/src/report/pages.js






/** Run ids are file names: nothing that could climb out of the runs folder. */
function isSafeId(id) {
    return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) && !id.includes('..');
}
/** A run's folder under the runs folder, or null when it is not on this machine. */
function runFolder(runsRoot, runId) {
    if (!isSafeId(runId))
        return null;
    const dir = external_node_path_.join(runsRoot, runId);
    return (0,external_node_fs_.existsSync)(dir) ? dir : null;
}
/** The agent recorded with runs, where the index has that column (it arrived after the first schema). */
function agentsByRun(db, runIds) {
    const out = new Map();
    if (runIds.length === 0 || !hasColumn(db, 'runs', 'agent'))
        return out;
    for (let i = 0; i < runIds.length; i += 500) {
        const chunk = runIds.slice(i, i + 500);
        const rows = (0,runs/* queryAll */.YG)(db, `SELECT run_id, agent FROM runs WHERE run_id IN (${chunk.map(() => '?').join(',')})`, chunk);
        for (const r of rows)
            out.set(String(r.run_id), r.agent === null ? null : String(r.agent));
    }
    return out;
}
function hasColumn(db, table, column) {
    return (0,runs/* queryAll */.YG)(db, `PRAGMA table_info(${table})`).some((r) => r.name === column);
}
function comparisonData(c) {
    return {
        baseline_suite_run_id: c.base.suite_run_id,
        baseline_branch: c.base.branch,
        baseline_model: c.base.model,
        verdict: (0,suites/* verdictLabel */.Id)(c.overall),
        statement: c.overall.statement,
        tasks: c.tasks.map((t) => ({ task_id: t.task_id, verdict: (0,suites/* verdictLabel */.Id)(t), statement: t.statement })),
    };
}
/** The latest completed run of the same suite on `branch` that started before the head. */
function baselineOf(db, head, branch) {
    const where = ['suite_id = ?', "status = 'completed'", 'suite_run_id <> ?', 'started_at <= ?'];
    const params = [head.suite_id, head.suite_run_id, head.started_at];
    if (branch !== null) {
        where.push('branch = ?');
        params.push(branch);
    }
    const row = (0,runs/* queryAll */.YG)(db, `SELECT suite_run_id FROM suite_runs WHERE ${where.join(' AND ')} AND summary_json IS NOT NULL AND pruned_at IS NULL
     ORDER BY started_at DESC, suite_run_id DESC LIMIT 1`, params)[0];
    return row ? (0,runs/* getSuiteRun */.Uo)(db, String(row.suite_run_id)) : null;
}
/** A suite run's page: totals, comparison, history, a row per task with its runs. */
function buildSuitePage(db, o) {
    const summary = (0,suites/* readSuiteSummary */.Df)(o.record);
    const branch = o.baseBranch === undefined ? o.record.branch : o.baseBranch;
    let comparison = o.comparison ?? null;
    if (o.comparison === undefined) {
        const base = baselineOf(db, o.record, branch);
        if (base)
            comparison = (0,suites/* compareSuiteRuns */.qT)((0,suites/* readSuiteSummary */.Df)(base), summary);
    }
    const allRuns = summary.tasks.flatMap((t) => t.runs);
    const agents = agentsByRun(db, allRuns.map((r) => r.run_id));
    const suiteAgent = summary.agent ? (0,runs/* describeAgent */.P7)(summary.agent) : null;
    const blockIds = new Map();
    const entry = (r) => {
        const folder = runFolder(o.runsRoot, r.run_id);
        let detail = null;
        if (folder && o.detail === 'server')
            detail = { url: `/api/run/${encodeURIComponent(r.run_id)}` };
        else if (folder) {
            const id = `fb-run-${blockIds.size}`;
            blockIds.set(r.run_id, id);
            detail = { embedded: id };
        }
        return {
            run_id: r.run_id,
            task_id: r.task_id,
            model: summary.model,
            agent: agents.get(r.run_id) ?? suiteAgent,
            epoch: r.epoch,
            status: r.status,
            passed: r.passed,
            score: r.score,
            kill_reason: r.kill_reason,
            error: r.error_kind ? `${r.error_kind}: ${r.error_message ?? ''}` : null,
            turns: r.turns,
            tokens: r.tokens,
            cost_usd: r.cost_usd,
            wall_s: r.wall_s,
            started_at: r.started_at,
            detail,
        };
    };
    const suite = {
        suite_run_id: summary.suite_run_id,
        suite_id: summary.suite_id,
        suite_title: summary.suite_title,
        model: summary.model,
        agent: suiteAgent,
        status: summary.status,
        started_at: summary.started_at,
        finished_at: summary.finished_at,
        branch: summary.branch,
        commit_sha: summary.commit_sha,
        label: summary.label,
        epochs: summary.epochs,
        totals: {
            tasks: summary.totals.tasks,
            runs_planned: summary.totals.runs_planned,
            scored_runs: summary.totals.scored_runs,
            passed_runs: summary.totals.passed_runs,
            environment_errors: summary.totals.environment_errors,
            mean_run_score: summary.totals.mean_run_score,
            tokens: summary.totals.tokens,
            cost_usd: summary.totals.cost_usd,
            wall_seconds: summary.totals.wall_seconds,
        },
        suite_score: summary.suite_score
            ? { mean: summary.suite_score.mean, low: summary.suite_score.low, high: summary.suite_score.high }
            : null,
        pass_at_k: summary.pass_at_k,
        min_detectable_effect: summary.sensitivity?.min_detectable_effect ?? null,
        comparison: comparison ? comparisonData(comparison) : null,
        history: suiteHistory(db, o.record, branch),
        tasks: summary.tasks.map((t) => ({
            task_id: t.task_id,
            title: t.title,
            difficulty: t.difficulty,
            domain: t.domain,
            state: t.state,
            epochs_planned: t.epochs_planned,
            scored: t.scored,
            passes: t.passes,
            mean_score: t.mean_score,
            cost_usd: t.cost_usd,
            wall_s: t.wall_s,
            tokens: t.tokens,
            kill_reasons: t.kill_reasons,
            runs: t.runs.map(entry),
        })),
    };
    const page = (0,runs/* redactDeep */.KL)({
        kind: 'suite',
        title: `${summary.suite_id} · ${summary.model}`,
        generated_at: new Date().toISOString(),
        server: o.detail === 'server',
        suite,
    });
    return {
        page,
        blocks: () => [...blockIds].map(([runId, id]) => ({
            id,
            detail: run_detail_loadRunDetail(external_node_path_.join(o.runsRoot, runId), runId),
        })),
    };
}
/** A single run's page, from its result.json. */
function pages_buildRunPage(runsRoot, result, detail) {
    const folder = runFolder(runsRoot, result.run_id);
    const entry = {
        run_id: result.run_id,
        task_id: result.task_id,
        model: result.model,
        agent: result.agent ? describeAgent(result.agent) : null,
        epoch: result.epoch,
        status: result.status,
        passed: result.passed,
        score: result.score,
        kill_reason: result.kill_reason,
        error: result.error ? `${result.error.kind}: ${result.error.message}` : null,
        turns: result.turns,
        tokens: result.tokens.total,
        cost_usd: result.cost_usd,
        wall_s: result.timings.total_s,
        started_at: result.started_at,
        detail: !folder
            ? null
            : detail === 'server'
                ? { url: `/api/run/${encodeURIComponent(result.run_id)}` }
                : { embedded: 'fb-run-0' },
    };
    const page = redactDeep({
        kind: 'run',
        title: `${result.task_id} · ${result.model}`,
        generated_at: new Date().toISOString(),
        server: detail === 'server',
        run: entry,
    });
    return {
        page,
        blocks: () => folder && detail === 'embedded'
            ? [{ id: 'fb-run-0', detail: loadRunDetail(folder, result.run_id) }]
            : [],
    };
}
//# sourceMappingURL=pages.js.map
;// CONCATENATED MODULE: ./build/src/report/write.js






function writeAtomic(file, text) {
    const tmp = `${file}.${process.pid}.tmp`;
    (0,external_node_fs_.writeFileSync)(tmp, text);
    (0,external_node_fs_.renameSync)(tmp, file);
}
/**
 * Writes `runs/<suite_run_id>/report.html`: one self-contained page (app,
 * styles and every run's transcript, checks and workspace diff inlined) that
 * opens from disk with no network.
 */
async function writeSuiteReport(o) {
    const runsRoot = external_node_path_.resolve(o.runsRoot);
    const html = await (0,runs/* readIndex */.vY)(external_node_path_.join(runsRoot, 'runs.sqlite'), (db) => {
        const record = (0,runs/* getSuiteRun */.Uo)(db, o.suiteRunId);
        if (!record)
            throw new Error(`no suite run ${o.suiteRunId} in ${runsRoot}/runs.sqlite`);
        const built = buildSuitePage(db, {
            runsRoot,
            record,
            detail: 'embedded',
            ...(o.baseBranch !== undefined ? { baseBranch: o.baseBranch } : {}),
            ...(o.comparison !== undefined ? { comparison: o.comparison } : {}),
        });
        return html_renderPageHtml(built.page, built.blocks());
    });
    const file = external_node_path_.join(runsRoot, o.suiteRunId, 'report.html');
    writeAtomic(file, html);
    return { path: file, bytes: (0,external_node_fs_.statSync)(file).size };
}
/** Writes `runs/<run_id>/run.html` for a single run. */
function writeRunReport(runsRoot, result) {
    const root = path.resolve(runsRoot);
    const built = buildRunPage(root, result, 'embedded');
    const dir = path.join(root, result.run_id);
    if (!existsSync(dir))
        throw new Error(`no run folder ${dir}`);
    const file = path.join(dir, 'run.html');
    writeAtomic(file, renderPageHtml(built.page, built.blocks()));
    return { path: file, bytes: statSync(file).size };
}
/** The history of a suite run on a branch, and the Mermaid chart of its last runs (null with fewer than two). */
async function suiteHistoryChart(dbFile, suiteRunId, branch, lastN = 10) {
    if (!(0,runs/* indexExists */.FB)(dbFile))
        return null;
    return (0,runs/* readIndex */.vY)(dbFile, (db) => {
        const record = (0,runs/* getSuiteRun */.Uo)(db, suiteRunId);
        if (!record)
            return null;
        const history = suiteHistory(db, record, branch, lastN);
        return { history, mermaid: mermaidHistory(history, lastN) };
    });
}
//# sourceMappingURL=write.js.map
;// CONCATENATED MODULE: ./build/src/report/index.js
/**
 * Reports people look at: a suite run's or a run's page (totals, comparison,
 * history chart, transcripts, checks, workspace diffs) as one self-contained
 * HTML file, the same pages for `factory-bench view`, and the Mermaid history
 * chart of the pull-request comment. The browser app itself is src/webapp.
 */






//# sourceMappingURL=index.js.map

/***/ })

};
