import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { loadAgent } from '../agents/index.js';
import { ModelError, openAIOptionsFor } from '../models/index.js';
import { ensureSoundIndex, redact } from '../runs/index.js';
import { loadSuite, runSuite, type SuiteEvent } from '../suites/index.js';
import { ManifestError } from '../tasks/index.js';
import {
  artifactBaseName,
  artifactName,
  downloadShardArtifacts,
  uploadReportFile,
  uploadRunDirectories,
} from './artifacts.js';
import { commentMarker, upsertComment } from './comment.js';
import { evaluateGate, type GateResult, pct } from './gate.js';
import { artifactUrl, type GithubContext, readGithubContext, runUrl } from './github-context.js';
import { describeHistoryFile, historyKeys, pruneHistory, restoreHistory, saveHistory } from './history.js';
import {
  describeImageCache,
  type ImageRestore,
  imageCacheKeys,
  restoreImages,
  saveImages,
} from './images.js';
import { type ActionInputs, InputError, parseInputs } from './inputs.js';
import { recordSandboxOwner } from './post-cleanup.js';
import { COMMENT_LIMIT, renderReport, SUMMARY_LIMIT } from './report.js';
import { protectSecrets, withoutActionSecrets } from './secrets.js';
import {
  type ComparisonView,
  compareWithBase,
  mergeShardRuns,
  SuiteInputError,
  type SuiteRunView,
  viewOf,
} from './suite-bridge.js';

/** Models that run without any API. */
const KEYLESS_MODELS = new Set(['oracle', 'null']);

/** True when the model needs an API key that nothing provides; a bad model name is an input error. */
function missingApiKey(model: string, inputs: ActionInputs): boolean {
  if (KEYLESS_MODELS.has(model)) return false;
  try {
    openAIOptionsFor(model, { baseUrl: inputs.baseUrl ?? undefined });
    return false;
  } catch (err) {
    if (err instanceof ModelError && /needs an API key/.test(err.message)) return true;
    throw new InputError([`input model: ${err instanceof Error ? err.message : String(err)}`]);
  }
}

const log = (m: string) => core.info(redact(m));
const warn = (m: string) => core.warning(redact(m));

/** The whole action: never throws; failures end in core.setFailed with one clear message. */
export async function run(): Promise<void> {
  const controller = new AbortController();
  const stop = () => {
    core.warning('factory-bench: cancelled: stopping the agents and cleaning up');
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await runAction(controller.signal);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof InputError || err instanceof SuiteInputError || err instanceof ManifestError)
      core.setFailed(redact(message));
    else core.setFailed(redact(`factory-bench: ${message}`));
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function setOutputs(o: {
  suiteRunId: string;
  passRate: number | null;
  avgScore: number | null;
  costUsd: number | null;
  reportPath: string;
  verdict: string;
}): void {
  core.setOutput('suite-run-id', o.suiteRunId);
  core.setOutput('pass-rate', o.passRate === null ? '' : String(Math.round(o.passRate * 10_000) / 10_000));
  core.setOutput('avg-score', o.avgScore === null ? '' : String(Math.round(o.avgScore * 10_000) / 10_000));
  core.setOutput('cost-usd', o.costUsd === null ? '' : String(Math.round(o.costUsd * 1e6) / 1e6));
  core.setOutput('report-path', o.reportPath);
  core.setOutput('verdict', o.verdict);
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    log('no GITHUB_STEP_SUMMARY: the job summary is skipped');
    return;
  }
  await core.summary.addRaw(redact(markdown), true).write();
}

async function runAction(signal: AbortSignal): Promise<void> {
  const inputs = parseInputs((name) => core.getInput(name));
  protectSecrets(inputs);
  const ctx = readGithubContext();
  const suite = loadSuite(inputs.suite);
  const agent = inputs.agent ? loadAgent(inputs.agent) : suite.defaults.agent;
  const model = inputs.model ?? suite.defaults.model;
  // A merge takes the model the shards ran with.
  if (!model && inputs.mode === 'run')
    throw new InputError([`input model: required (the suite ${suite.id} names no default model)`]);
  const runsRoot = path.join(inputs.workingDirectory, 'runs');
  const dbFile = path.join(runsRoot, 'runs.sqlite');

  if (model && inputs.mode === 'run' && missingApiKey(model, inputs)) {
    const why = ctx.pullRequest?.isFork
      ? 'this pull request comes from a fork, and GitHub gives fork pull requests no secrets'
      : 'the api-key input is empty';
    const message = `factory-bench: no API key for ${model} (${why}): the evaluation of suite ${suite.id} was skipped. A maintainer can run it from a branch of this repository, or use the pull_request + workflow_run pattern (see the README).`;
    core.notice(message);
    await writeSummary(`### ⏭️ factory-bench: suite \`${suite.id}\` skipped\n\n${message}\n`);
    setOutputs({
      suiteRunId: '',
      passRate: null,
      avgScore: null,
      costUsd: null,
      reportPath: '',
      verdict: 'skipped',
    });
    return;
  }

  const keys = historyKeys(inputs.cacheKeyPrefix, suite.id, ctx);
  const isShard = inputs.shard !== null;
  let restoredFrom: string | null = null;
  if (!isShard) {
    const restored = await restoreHistory(dbFile, ctx.workspace, keys, warn);
    restoredFrom = restored.matchedKey;
    log(restored.note);
    // A damaged cache entry is rebuilt from what is here (this job's runs), never fatal.
    await ensureSoundIndex(dbFile, warn);
  }

  let runView: SuiteRunView;
  /** Restored / built / saved images, for the job summary (not the comment). */
  let imageCacheLine: string | null = null;
  if (inputs.mode === 'merge') {
    const into = mkdtempSync(path.join(ctx.runnerTemp, 'factory-bench-shards-'));
    const shards = await downloadShardArtifacts(artifactBaseName(inputs.artifactName, suite.id, ctx), into);
    log(`merging ${shards.length} shards: ${shards.map((s) => s.name).join(', ')}`);
    const merged = await withoutActionSecrets(() =>
      mergeShardRuns({
        suite,
        agent,
        shardDirs: shards.map((s) => s.dir),
        runsRoot,
        epochs: inputs.epochs,
        branch: ctx.branch,
        commit: ctx.sha,
      }),
    );
    runView = viewOf(merged, runsRoot);
  } else {
    const concurrency = inputs.concurrency ?? suite.defaults.concurrency;
    const epochs = inputs.epochs ?? suite.defaults.epochs;
    log(
      `running suite ${suite.id} with ${model}${agent.kind === 'external' ? ` and agent ${agent.manifest.name} (${agent.hash})` : ''} (concurrency ${concurrency}, epochs ${epochs}${isShard ? `, shard ${inputs.shard?.index}/${inputs.shard?.total}` : ''})`,
    );
    const images = inputs.cacheImages
      ? {
          dir: path.join(inputs.workingDirectory, 'runs', '.image-cache'),
          keys: imageCacheKeys(inputs.cacheKeyPrefix, suite.id, inputs.shard),
        }
      : null;
    let restoredImages: ImageRestore | null = null;
    if (images) {
      restoredImages = await restoreImages(images.dir, ctx.workspace, images.keys, warn);
      log(restoredImages.note);
    }
    // From here on sandboxes start: the post step must know whose leftovers to remove.
    recordSandboxOwner();
    const outcome = await withoutActionSecrets(() =>
      runSuite({
        suite,
        agent,
        model: model ?? undefined,
        concurrency,
        epochs,
        runsRoot,
        signal,
        ...(inputs.requestTimeoutSeconds
          ? { modelConfig: { requestTimeoutMs: Math.round(inputs.requestTimeoutSeconds * 1000) } }
          : {}),
        // The input is 1-based as written in a matrix; the runner counts from 0.
        ...(inputs.shard ? { shard: { index: inputs.shard.index - 1, total: inputs.shard.total } } : {}),
        branch: ctx.branch,
        commit: ctx.sha,
        label: inputs.shard ? `shard ${inputs.shard.index}/${inputs.shard.total}` : null,
        onEvent: logSuiteEvent,
      }),
    );
    runView = viewOf(outcome, runsRoot);
    if (images && restoredImages) {
      const saved = await saveImages(images.dir, ctx.workspace, images.keys, ctx, restoredImages, warn);
      log(saved.note);
      imageCacheLine = describeImageCache(restoredImages, saved);
    }
  }
  log(
    `suite run ${runView.suiteRunId}: ${runView.passed}/${runView.total} passed (${pct(runView.passRate)})`,
  );

  const notes: string[] = [];
  const baseBranch = ctx.pullRequest?.baseRef || ctx.branch;
  let comparison: ComparisonView | null = null;
  if (!isShard && baseBranch) comparison = await compareWithBase(dbFile, runView.summary, baseBranch);
  // report.html goes into the run folders' artifact, and on its own so that GitHub opens it in the browser.
  const htmlReport = await writeHtmlReport(runsRoot, runView.suiteRunId, baseBranch, comparison, notes);

  let uploadedUrl: string | null = null;
  let reportUrl: string | null = null;
  const name = artifactName(inputs.artifactName, suite.id, ctx, inputs.shard);
  try {
    const uploaded = await uploadRunDirectories({
      name,
      runsRoot,
      dirs: runView.dirs,
      retentionDays: inputs.retentionDays,
    });
    uploadedUrl = uploaded.id === null ? null : artifactUrl(ctx, uploaded.id);
    log(`uploaded ${uploaded.files} files as artifact ${name}`);
  } catch (err) {
    warn(`uploading the run directories failed: ${err instanceof Error ? err.message : String(err)}`);
    notes.push('The run directories could not be uploaded as an artifact.');
  }
  if (htmlReport && uploadedUrl) {
    try {
      const single = await uploadReportFile({
        runArtifactName: name,
        reportFile: htmlReport,
        tempDir: ctx.runnerTemp,
        retentionDays: inputs.retentionDays,
      });
      if (single?.id) reportUrl = artifactUrl(ctx, single.id);
      if (single) log(`uploaded report.html as artifact ${single.name}`);
      else
        notes.push('report.html is too large to open in a browser; it is in the run directories artifact.');
    } catch (err) {
      warn(`uploading report.html failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  if (isShard) {
    // A shard only runs and uploads: the merge job compares, comments, gates and saves history.
    const gate: GateResult = { verdict: 'passed', failures: [], checks: [] };
    notes.push(
      `Shard ${inputs.shard?.index}/${inputs.shard?.total}: the merge job (mode: merge) compares, comments and gates.`,
    );
    await writeSummary(
      renderReport(
        {
          run: runView,
          comparison: null,
          baseBranch: null,
          gate,
          artifactUrl: uploadedUrl,
          reportUrl,
          historyChart: null,
          runUrl: runUrl(ctx),
          notes,
          imageCache: imageCacheLine,
        },
        SUMMARY_LIMIT,
      ),
    );
    setOutputs({ ...runView, reportPath: runView.reportPath, verdict: 'passed' });
    return;
  }

  const gate = evaluateGate({
    passRate: runView.passRate,
    failUnder: inputs.failUnder,
    baselinePassRate: comparison?.basePassRate ?? null,
    comparisonVerdict: comparison?.comparison.overall.verdict ?? null,
    comparisonStatement: comparison?.comparison.overall.statement ?? null,
    maxRegression: inputs.maxRegression,
  });
  const report = {
    run: runView,
    comparison,
    baseBranch: ctx.pullRequest ? baseBranch : null,
    gate,
    artifactUrl: uploadedUrl,
    reportUrl,
    historyChart: await historyChart(dbFile, runView.suiteRunId, baseBranch),
    runUrl: runUrl(ctx),
    notes,
  };

  // What goes to the cache is the pruned, compacted index: it stays small however long the history.
  const pruned = ctx.onDefaultBranch
    ? await pruneHistory(
        dbFile,
        { keepSuiteRuns: inputs.historyKeepSuiteRuns, keepDays: inputs.historyKeepDays },
        warn,
      )
    : null;
  const saved = await saveHistory(dbFile, ctx.workspace, keys, ctx, warn);
  log(saved.note);
  const historyLine = describeHistoryFile({ dbFile, pruned, saved, saveKey: keys.saveKey, restoredFrom });
  log(historyLine.replace(/\*\*|`/g, ''));

  await postComment(inputs, ctx, suite.id, renderReport(report, COMMENT_LIMIT, commentMarker(suite.id)));
  await writeSummary(
    `${renderReport({ ...report, imageCache: imageCacheLine }, SUMMARY_LIMIT - historyLine.length - 2)}\n\n${historyLine}\n`,
  );

  setOutputs({ ...runView, verdict: gate.verdict });
  if (gate.verdict === 'failed') core.setFailed(`factory-bench: ${gate.failures.join('; ')}`);
}

/** Writes report.html (loading the report code only now); null, with a note, when it cannot. */
async function writeHtmlReport(
  runsRoot: string,
  suiteRunId: string,
  baseBranch: string | null,
  comparison: ComparisonView | null,
  notes: string[],
): Promise<string | null> {
  try {
    const { writeSuiteReport } = await import('../report/index.js');
    const written = await writeSuiteReport({
      runsRoot,
      suiteRunId,
      baseBranch,
      comparison: comparison?.comparison ?? null,
    });
    log(`wrote ${written.path} (${Math.round(written.bytes / 1024)} KiB)`);
    return written.path;
  } catch (err) {
    warn(`writing report.html failed: ${err instanceof Error ? err.message : String(err)}`);
    notes.push('report.html could not be written; report.md is in the artifact.');
    return null;
  }
}

/** The Mermaid chart of the last runs on the base branch and this one, or null (no history yet). */
async function historyChart(
  dbFile: string,
  suiteRunId: string,
  baseBranch: string | null,
): Promise<string | null> {
  try {
    const { suiteHistoryChart } = await import('../report/index.js');
    return (await suiteHistoryChart(dbFile, suiteRunId, baseBranch))?.mermaid ?? null;
  } catch (err) {
    warn(`reading the history for the chart failed: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

function logSuiteEvent(e: SuiteEvent): void {
  if (e.type === 'unit_end')
    log(
      `${e.taskId} epoch ${e.epoch + 1}/${e.epochs}: ${e.run.passed ? 'passed' : 'failed'} (score ${e.run.score.toFixed(2)}, ${e.run.status}${e.run.kill_reason ? `, ${e.run.kill_reason}` : ''})`,
    );
  else if (e.type === 'warning') warn(e.message);
  else if (e.type === 'interrupting') warn(`interrupted: waiting for ${e.running} running tasks to stop`);
}

async function postComment(
  inputs: ActionInputs,
  ctx: GithubContext,
  suiteId: string,
  body: string,
): Promise<void> {
  if (!ctx.pullRequest || !inputs.comment) return;
  if (!inputs.githubToken || !ctx.owner || !ctx.repo) {
    core.notice('factory-bench: no github-token: the report is in the job summary only');
    return;
  }
  try {
    const outcome = await upsertComment(
      inputs.githubToken,
      { owner: ctx.owner, repo: ctx.repo, issueNumber: ctx.pullRequest.number },
      commentMarker(suiteId),
      body,
    );
    if (outcome.status === 'forbidden')
      core.notice(
        `factory-bench: ${outcome.message}; fork pull requests get a read-only token. The report is in the job summary (see the README for the workflow_run pattern that comments on forks).`,
      );
    else log(`${outcome.status} the pull request comment ${outcome.url ?? outcome.id}`);
  } catch (err) {
    warn(`posting the pull request comment failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
