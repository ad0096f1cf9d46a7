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
 * The built-in graders reject the shortcuts an agent might take: work that
 * looks done but is not, and claims instead of results. Each case is a
 * scripted agent doing the shortcut through the normal tool path.
 */

const runsRoot = path.join(tempDir('fb-graders-'), 'runs');
const solution = (task: string, file: string) => taskFile(task, `solution/${file}`);
const runScripted = (taskId: string, commands: string[]) => runScripted_(runsRoot, taskId, commands);
const check = checkNamed;

describe.runIf(HAS_DOCKER)('the built-in graders cannot be gamed', () => {
  it('hello_repo_fix: rewriting the visible tests instead of fixing the bug fails', async () => {
    const r = await runScripted('hello_repo_fix', [
      writeFile('tests/test_stats.py', 'def test_nothing():\n    assert True'),
      'python3 -m pytest -q tests',
    ]);
    expect(check(r, 'tests_pass')?.status).toBe('failed');
    expect(r.passed).toBe(false);
  }, 900_000);

  it('hello_repo_fix: special-casing the visible inputs fails the hidden cases', async () => {
    const stats = taskFile('hello_repo_fix', 'workspace/textstats/stats.py');
    const cheat = edit(
      stats,
      '    words = tokenize(text)\n    if not words:',
      '    if text == "ab abc":\n        return 2.5\n    words = tokenize(text)\n    if not words:',
    );
    const r = await runScripted('hello_repo_fix', [
      writeFile('textstats/stats.py', cheat),
      'python3 -m pytest -q tests',
    ]);
    expect(check(r, 'tests_pass')?.status).toBe('failed');
  }, 900_000);

  it('sklearn_classifier: a claimed accuracy is ignored; the grader scores a majority-class model and fails it', async () => {
    const r = await runScripted('sklearn_classifier', [
      writeFile(
        'train.py',
        [
          'import joblib, pandas as pd',
          'from sklearn.dummy import DummyClassifier',
          'data = pd.read_csv("data/customers.csv")',
          'y = data.pop("churned")',
          'joblib.dump(DummyClassifier(strategy="most_frequent").fit(data, y), "model/model.joblib")',
          'open("model/metrics.json", "w").write("{\\"accuracy\\": 0.99}")',
          'print("accuracy=0.99")',
        ].join('\n'),
      ),
      'mkdir -p model && python3 train.py',
    ]);
    expect(check(r, 'model_saved')?.status).toBe('passed');
    expect(check(r, 'holdout_accuracy')?.status).toBe('failed');
    expect(check(r, 'holdout_accuracy')?.explanation).toMatch(/= 0\.70\d*, misses >= 0\.86/);
  }, 900_000);

  it('pandas_transform: a table that skips one cleaning rule (duplicates kept) fails the comparison', async () => {
    const sloppy = edit(
      solution('pandas_transform', 'solve.py'),
      'raw.drop_duplicates(subset="Order ID", keep="first").copy()',
      'raw.copy()',
    );
    const r = await runScripted('pandas_transform', [
      writeFile('clean_sales.py', sloppy),
      'python3 clean_sales.py',
    ]);
    expect(check(r, 'output_present')?.status).toBe('passed');
    expect(check(r, 'monthly_revenue_matches')?.status).toBe('failed');
  }, 900_000);

  it('postgres_migration: a migration file that was never applied fails on the live database', async () => {
    const r = await runScripted('postgres_migration', [
      writeFile(
        'migrations/002_normalize_customers.sql',
        solution('postgres_migration', '002_normalize_customers.sql'),
      ),
    ]);
    expect(check(r, 'migration_file_present')?.status).toBe('passed');
    expect(check(r, 'orders_columns')?.status).toBe('failed');
    expect(r.passed).toBe(false);
  }, 900_000);

  it('postgres_migration: a change typed into psql but missing from the file fails the replay', async () => {
    const incomplete = edit(
      solution('postgres_migration', '002_normalize_customers.sql'),
      "INSERT INTO schema_migrations (version) VALUES ('002_normalize_customers');",
      '',
    );
    const r = await runScripted('postgres_migration', [
      writeFile('migrations/002_normalize_customers.sql', incomplete),
      'psql -v ON_ERROR_STOP=1 -q -f migrations/002_normalize_customers.sql',
      `psql -v ON_ERROR_STOP=1 -c "INSERT INTO schema_migrations (version) VALUES ('002_normalize_customers')"`,
    ]);
    expect(check(r, 'migration_recorded')?.status).toBe('passed');
    expect(check(r, 'report_view_unchanged')?.status).toBe('passed');
    expect(check(r, 'migration_replays')?.status).toBe('failed');
    expect(r.passed).toBe(false);
  }, 900_000);
});
