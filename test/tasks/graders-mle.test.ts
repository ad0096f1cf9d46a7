import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_DOCKER } from '../helpers/docker.js';
import { checkNamed, runScripted as runScripted_, taskFile, writeFile } from '../helpers/scripted-task.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The mle_core graders against the shortcuts an agent might take: answers typed in instead of
 * computed, claims instead of results, degenerate outputs that game one metric, edited tests and
 * edited data. Each case is a scripted agent doing the shortcut through the normal tool path; the
 * grader must refuse it (and, where the task gives partial credit, score it for what it is worth).
 */

const runsRoot = path.join(tempDir('fb-graders-mle-'), 'runs');
const runScripted = (taskId: string, commands: string[]) => runScripted_(runsRoot, taskId, commands);
const check = checkNamed;
const TIMEOUT = 900_000;

describe.runIf(HAS_DOCKER)('the mle_core graders cannot be gamed', () => {
  it(
    'sql_sales_report: answers computed on the visible shop and typed in as constants score 0',
    async () => {
      // For every question: run the reference query on shop.db, then write its rows as a literal SELECT.
      const queries = readdirSync(path.resolve('tasks/sql_sales_report/solution/queries'));
      const commands = queries.map((q) =>
        [
          `python3 - <<'FB_EOF'`,
          'import sqlite3',
          `sql = ${JSON.stringify(taskFile('sql_sales_report', `solution/queries/${q}`))}`,
          'rows = sqlite3.connect("shop.db").execute(sql).fetchall()',
          'values = ", ".join("(" + ", ".join(repr(v) for v in r) + ")" for r in rows)',
          `open("queries/${q}", "w").write("SELECT * FROM (VALUES " + values + ")")`,
          'FB_EOF',
        ].join('\n'),
      );
      const r = await runScripted('sql_sales_report', commands);
      expect(check(r, 'queries_correct')).toMatchObject({ status: 'failed', score: 0 });
      expect(r.passed).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'sql_cohort_retention: four right queries of five earn partial credit, not a pass',
    async () => {
      const queries = readdirSync(path.resolve('tasks/sql_cohort_retention/solution/queries')).slice(1);
      const r = await runScripted(
        'sql_cohort_retention',
        queries.map((q) =>
          writeFile(`queries/${q}`, taskFile('sql_cohort_retention', `solution/queries/${q}`)),
        ),
      );
      expect(check(r, 'queries_correct')).toMatchObject({ status: 'failed', score: 0.8 });
      expect(r.score).toBeCloseTo(0.8, 6);
      expect(r.passed).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'sensor_data_validation: flagging every cell as a violation earns nothing',
    async () => {
      const r = await runScripted('sensor_data_validation', [
        writeFile(
          'validator.py',
          [
            'import csv',
            'RULES = ["missing", "bad_format", "out_of_range", "bad_value", "unknown_station", "before_install", "duplicate"]',
            'def find_violations(readings_csv, stations_csv):',
            '    rows = list(csv.DictReader(open(readings_csv)))',
            '    return [{"row": i, "column": c, "rule": r} for i, row in enumerate(rows) for c in row for r in RULES]',
          ].join('\n'),
        ),
      ]);
      expect(check(r, 'violations_f1')).toMatchObject({ status: 'failed', score: 0 });
    },
    TIMEOUT,
  );

  it(
    'metrics_from_scratch: delegating to scikit-learn fails, since it cannot be imported at grading time',
    async () => {
      const r = await runScripted('metrics_from_scratch', [
        writeFile(
          'mlmetrics/metrics.py',
          [
            'from sklearn import metrics as m',
            'def roc_auc(y_true, y_score): return m.roc_auc_score(y_true, y_score)',
            'def average_precision(y_true, y_score): return m.average_precision_score(y_true, y_score)',
            'def f1(y_true, y_pred, average="binary", labels=None, pos_label=1):',
            '    return m.f1_score(y_true, y_pred, average=average, labels=labels, pos_label=pos_label, zero_division=0)',
            'def expected_calibration_error(y_true, y_prob, n_bins=10): return 0.0',
            'def log_loss(y_true, y_prob, eps=1e-15): return m.log_loss(y_true, y_prob, eps=eps)',
          ].join('\n'),
        ),
        'python3 -m pytest -q tests',
      ]);
      expect(check(r, 'cases_passed')).toMatchObject({ status: 'failed', score: 0 });
    },
    TIMEOUT,
  );

  it(
    'probability_calibration: a constant map (perfect ECE, no ranking) fails the gate',
    async () => {
      const r = await runScripted('probability_calibration', [
        'mkdir -p model',
        writeFile('model/calibration.json', '{"scores": [0, 1], "probabilities": [0.3, 0.3]}'),
      ]);
      expect(check(r, 'ranking_kept')?.status).toBe('failed');
      expect(check(r, 'test_ece')?.status).toBe('skipped');
      expect(r.score).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'loan_default_leakage: the shipped leaky model cannot even score production applications',
    async () => {
      const r = await runScripted('loan_default_leakage', ['python3 train.py']);
      expect(check(r, 'model_saved')?.status).toBe('passed');
      expect(check(r, 'holdout_auc')).toMatchObject({ status: 'failed', score: 0 });
      expect(r.passed).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'loan_default_leakage: a sound model with a flattering claimed AUC fails the honesty check',
    async () => {
      const r = await runScripted('loan_default_leakage', [
        writeFile('train.py', taskFile('loan_default_leakage', 'solution/train.py')),
        'python3 train.py',
        `echo '{"validation_auc": 0.95}' > model/report.json`,
      ]);
      expect(check(r, 'holdout_auc')?.status).toBe('passed');
      expect(check(r, 'honest_estimate')?.status).toBe('failed');
      expect(r.passed).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'subject_split_leakage: the shipped model, validated on a shuffled split, fails both checks',
    async () => {
      const r = await runScripted('subject_split_leakage', ['python3 train.py']);
      expect(check(r, 'new_subject_accuracy')).toMatchObject({ status: 'failed', score: 0 });
      expect(check(r, 'honest_estimate')?.status).toBe('failed');
    },
    TIMEOUT,
  );

  it(
    'churn_event_features: trimming the training export instead of the features is refused',
    async () => {
      const r = await runScripted('churn_event_features', [
        `python3 -c "import pandas as pd; e = pd.read_csv('data/events.csv'); e[e.timestamp < '2024-06-01'].to_csv('data/events.csv', index=False)"`,
      ]);
      expect(check(r, 'later_month_auc')).toMatchObject({ status: 'failed', score: 0 });
      expect(check(r, 'later_month_auc')?.explanation).toMatch(/data\/events\.csv was changed/);
    },
    TIMEOUT,
  );

  it(
    'house_price_features: features whose columns depend on the batch (get_dummies) are refused',
    async () => {
      const r = await runScripted('house_price_features', [
        writeFile(
          'features.py',
          [
            'import numpy as np, pandas as pd',
            'def make_features(df):',
            '    out = pd.get_dummies(df[["neighborhood", "condition"]], dtype=float)',
            '    out["log_living"] = np.log(df["living_area_sqft"])',
            '    return out',
          ].join('\n'),
        ),
      ]);
      expect(check(r, 'next_year_r2')).toMatchObject({ status: 'failed', score: 0 });
      expect(check(r, 'next_year_r2')?.explanation).toMatch(/returned \d+ columns for a batch of 1 sales/);
    },
    TIMEOUT,
  );

  it(
    'numpy_mlp_debug: editing the visible tests instead of the library earns nothing',
    async () => {
      const r = await runScripted('numpy_mlp_debug', [
        writeFile('tests/test_tinynet.py', 'def test_ok():\n    assert True'),
        'python3 -m pytest -q tests',
      ]);
      expect(check(r, 'hidden_tests')).toMatchObject({ status: 'failed', score: 0 });
      expect(check(r, 'unseen_spiral_accuracy')).toMatchObject({ status: 'failed', score: 0 });
    },
    TIMEOUT,
  );

  it(
    'ticket_priority_service: fixing only the first symptom (names) earns partial credit, not a pass',
    async () => {
      const service = taskFile('ticket_priority_service', 'workspace/priority_service.py');
      const namesOnly = service.replace(
        '    return list(bundle["model"].predict(X))',
        '    return list(bundle["encoder"].inverse_transform(bundle["model"].predict(X)))',
      );
      expect(namesOnly).not.toBe(service);
      const r = await runScripted('ticket_priority_service', [writeFile('priority_service.py', namesOnly)]);
      const hidden = check(r, 'hidden_tests');
      expect(hidden?.status).toBe('failed');
      expect(hidden?.score).toBeGreaterThan(0);
      expect(hidden?.score).toBeLessThan(1);
      expect(r.passed).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'customer_dedup: matching on the e-mail alone earns nothing',
    async () => {
      const r = await runScripted('customer_dedup', [
        writeFile(
          'dedupe.py',
          [
            'import csv',
            'def find_people(customers_csv, nicknames_csv):',
            '    rows = list(csv.DictReader(open(customers_csv)))',
            '    return {r["record_id"]: (r["email"].strip().lower() or r["record_id"]) for r in rows}',
          ].join('\n'),
        ),
      ]);
      expect(check(r, 'pairwise_f1')).toMatchObject({ status: 'failed', score: 0 });
    },
    TIMEOUT,
  );

  it(
    'meter_readings_utc: reading local wall times as if they were UTC earns nothing',
    async () => {
      const r = await runScripted('meter_readings_utc', [
        writeFile(
          'energy.py',
          [
            'import pandas as pd',
            'def hourly_consumption(readings_csv, sites_csv):',
            '    r = pd.read_csv(readings_csv).drop_duplicates()',
            '    r["t"] = pd.to_datetime(r.reading_time.str.replace("Z", "").str.replace("T", " "))',
            '    r["e"] = r.groupby("site_id").counter_kwh.diff().shift(-1).clip(lower=0)',
            '    r["hour_utc"] = r.t.dt.strftime("%Y-%m-%dT%H:00Z")',
            '    out = r.dropna().groupby(["site_id", "hour_utc"]).e.sum().round(3).reset_index()',
            '    return out.rename(columns={"e": "kwh"})',
          ].join('\n'),
        ),
      ]);
      expect(check(r, 'hourly_cells_right')).toMatchObject({ status: 'failed', score: 0 });
    },
    TIMEOUT,
  );
});
