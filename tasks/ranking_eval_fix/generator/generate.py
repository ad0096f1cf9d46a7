"""Generates ranking_eval_fix's run and qrels files with a fixed seed.

Each case is a search run over a made-up corpus with graded judgements (0-3), built to exercise
the spec's conventions: scores rounded so that ties are common, a rank column that disagrees
with the scores (the run was re-scored by a reranker after ranks were assigned), duplicated
documents, unjudged documents, queries with only non-relevant judgements, queries of the qrels
missing from the run and queries of the run missing from the qrels.

Writes workspace/data/sample_{run,qrels}.txt (what the agent sees) and
grader/cases/case{1,2,3}_{run,qrels}.txt (copied in only after the agent stops).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np

SEED = 5150


def make_case(rng, n_queries, depth, decimals, dup_rate, missing, extra):
    run_lines, qrel_lines = [], []
    qids = [f"q{rng.integers(100, 999)}{i:02d}" for i in range(n_queries)]
    for qi, qid in enumerate(qids):
        n_docs = int(rng.integers(depth // 2, depth + 1))
        pool = rng.choice(5000, size=n_docs + 40, replace=False)
        docs = [f"D{d:05d}" for d in pool]
        retrieved, unretrieved = docs[:n_docs], docs[n_docs:]
        # Relevance correlates with the score; some relevant documents are never retrieved.
        quality = rng.normal(size=n_docs)
        scores = np.round(np.sort(rng.normal(10, 2, n_docs))[::-1] + 0.6 * quality, decimals)
        first_stage = rng.permutation(n_docs) if rng.random() < 0.5 else np.argsort(-scores + rng.normal(0, 1, n_docs))
        rank_of = np.empty(n_docs, dtype=int)
        rank_of[first_stage] = np.arange(1, n_docs + 1)
        only_zero = rng.random() < 0.12
        for j, doc in enumerate(retrieved):
            run_lines.append(f"{qid} Q0 {doc} {rank_of[j]} {scores[j]:.{decimals}f} rerank")
            if rng.random() < dup_rate:
                run_lines.append(f"{qid} Q0 {doc} {n_docs + j + 1} {scores[j] - rng.integers(1, 40) / 10:.{decimals}f} rerank")
            if rng.random() < 0.55:
                p_rel = 1 / (1 + np.exp(-(quality[j] - 0.3 + 1.2 * (j < 12))))
                rel = 0 if only_zero else int((rng.random() < p_rel) * rng.integers(1, 4))
                qrel_lines.append(f"{qid} 0 {doc} {rel}")
        for doc in unretrieved[: int(rng.integers(0, 6))]:
            qrel_lines.append(f"{qid} 0 {doc} {0 if only_zero else int(rng.integers(1, 4))}")
        if qi < missing:  # judged, relevant documents exist, but the run has nothing for it
            run_lines = [l for l in run_lines if not l.startswith(qid + " ")]
            qrel_lines.append(f"{qid} 0 D{int(rng.integers(0, 5000)):05d} 2")
    for i in range(extra):  # run queries nobody judged
        for r in range(5):
            run_lines.append(f"x{i:03d} Q0 D{int(rng.integers(0, 5000)):05d} {r + 1} {9 - r}.0 rerank")
    order = rng.permutation(len(run_lines))
    return [run_lines[i] for i in order], qrel_lines


def write(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def main():
    rng = np.random.default_rng(SEED)
    here = Path(__file__).resolve().parent.parent
    run, qrels = make_case(rng, 25, 60, 1, 0.05, 2, 2)
    write(here / "workspace/data/sample_run.txt", run)
    write(here / "workspace/data/sample_qrels.txt", qrels)
    specs = [(30, 120, 1, 0.04, 3, 2), (40, 40, 0, 0.08, 1, 3), (20, 150, 2, 0.02, 2, 1)]
    for n, spec in enumerate(specs, start=1):
        run, qrels = make_case(rng, *spec)
        write(here / f"grader/cases/case{n}_run.txt", run)
        write(here / f"grader/cases/case{n}_qrels.txt", qrels)


if __name__ == "__main__":
    main()
