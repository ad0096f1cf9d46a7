import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_DOCKER } from '../helpers/docker.js';
import {
  checkNamed,
  edit,
  runScripted as runScripted_,
  taskFile,
  writeFile,
} from '../helpers/scripted-task.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The graders of the vectorisation, imbalanced, ranking, error-analysis, reproducibility and
 * forecasting tasks against their tempting shortcuts: a fast answer that is wrong on ties, a
 * constant output, a degenerate decision rule, a seed that is fixed instead of used, a naive
 * forecast. Each case is a scripted agent taking the shortcut through the normal tool path.
 */

const runsRoot = path.join(tempDir('fb-graders-mle-b-'), 'runs');
const runScripted = (taskId: string, commands: string[]) => runScripted_(runsRoot, taskId, commands);
const check = checkNamed;
const TIMEOUT = 900_000;

describe.runIf(HAS_DOCKER)('more mle_core graders cannot be gamed', () => {
  it(
    'knn_vectorize: a fast version that breaks ties with argpartition fails the equality gate',
    async () => {
      const fastWrong = edit(
        taskFile('knn_vectorize', 'solution/softknn.py'),
        'np.argsort(d2, axis=1, kind="stable")[:, :kk]',
        'np.argpartition(d2, kk - 1, axis=1)[:, :kk]',
      );
      const r = await runScripted('knn_vectorize', [writeFile('softknn.py', fastWrong)]);
      expect(check(r, 'same_results')?.status).toBe('failed');
      expect(check(r, 'speedup')?.status).toBe('skipped');
      expect(r.score).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'pandas_sessions_vectorize: sorting by time with an unstable sort reorders ties and fails the gate',
    async () => {
      const unstable = edit(
        taskFile('pandas_sessions_vectorize', 'solution/sessions.py'),
        '    order = np.lexsort((np.arange(n), ts, user))',
        '    order = events.reset_index(drop=True).sort_values("ts").index.to_numpy()\n' +
          '    order = order[np.argsort(user[order], kind="stable")]',
      );
      const r = await runScripted('pandas_sessions_vectorize', [writeFile('sessions.py', unstable)]);
      expect(check(r, 'same_results')?.status).toBe('failed');
      expect(r.score).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'ranking_eval_fix: a script that writes fixed numbers scores 0 on the hidden runs',
    async () => {
      const constant = [
        'import argparse, json',
        'p = argparse.ArgumentParser(); [p.add_argument(a) for a in ("--run", "--qrels", "--out")]',
        'a = p.parse_args()',
        'm = {"ndcg@10": 0.5, "mrr@10": 0.5, "recall@100": 0.5, "map": 0.5}',
        'json.dump({"mean": m, "per_query": {}, "queries": 0}, open(a.out, "w"))',
      ].join('\n');
      const r = await runScripted('ranking_eval_fix', [writeFile('evaluate.py', constant)]);
      expect(check(r, 'metrics_match_spec')).toMatchObject({ status: 'failed', score: 0 });
    },
    TIMEOUT,
  );

  it(
    'defect_cost_threshold: flagging every unit for inspection earns nothing',
    async () => {
      const flagAll = [
        'import joblib, pandas as pd',
        'from sklearn.dummy import DummyClassifier',
        'd = pd.read_csv("data/units.csv"); y = d.pop("defect")',
        'joblib.dump(DummyClassifier(strategy="constant", constant=1).fit(d, y), "model/model.joblib")',
        'print("cost_per_1000=1.0")',
      ].join('\n');
      const r = await runScripted('defect_cost_threshold', [
        writeFile('flag_all.py', flagAll),
        'python3 flag_all.py',
      ]);
      expect(check(r, 'inspection_cost')).toMatchObject({ status: 'failed', score: 0 });
    },
    TIMEOUT,
  );

  it(
    'label_noise_audit: flagging the whole catalogue is refused',
    async () => {
      const r = await runScripted('label_noise_audit', [
        `python3 -c "import pandas as pd; pd.read_csv('data/items.csv')[['item_id']].to_csv('suspects.csv', index=False)"`,
      ]);
      expect(check(r, 'suspects_f1')).toMatchObject({ status: 'failed', score: 0 });
    },
    TIMEOUT,
  );

  it(
    'reproducible_training: a fixed seed that ignores --seed loses the seed_matters quarter',
    async () => {
      const frozen = taskFile('reproducible_training', 'solution/train.py').replaceAll('args.seed', '0');
      const r = await runScripted('reproducible_training', [writeFile('train.py', frozen)]);
      // Three of four properties hold: (0.75 - 0.25) / (1 - 0.25) of the credit.
      expect(check(r, 'reproducibility')?.status).toBe('failed');
      expect(check(r, 'reproducibility')?.score).toBeCloseTo(2 / 3, 3);
      expect(r.passed).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'store_demand_forecast: the seasonal naive forecast earns no credit',
    async () => {
      const naive = [
        'import pandas as pd',
        's = pd.read_csv("data/sales.csv", parse_dates=["date"])',
        'last = s[s.date > "2024-11-23"]',
        'rows = []',
        'for store, g in last.groupby("store"):',
        '    by_day = dict(zip(g.date.dt.dayofweek, g.sales))',
        '    for d in pd.date_range("2024-12-01", periods=28):',
        '        rows.append((store, d.strftime("%Y-%m-%d"), by_day[d.dayofweek]))',
        'pd.DataFrame(rows, columns=["store", "date", "sales"]).to_csv("forecast.csv", index=False)',
      ].join('\n');
      const r = await runScripted('store_demand_forecast', [
        writeFile('naive.py', naive),
        'python3 naive.py',
      ]);
      expect(check(r, 'december_wape')).toMatchObject({ status: 'failed', score: 0 });
    },
    TIMEOUT,
  );
});
