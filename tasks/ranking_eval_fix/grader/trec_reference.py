"""The grader's own implementation of the spec in the task's instructions (written apart from
the reference solution): pandas for parsing and ordering, numpy for the metrics."""

import numpy as np
import pandas as pd


def load(run_path, qrels_path):
    run = pd.read_csv(run_path, sep=r"\s+", header=None, names=["qid", "q0", "docid", "rank", "score", "tag"],
                      dtype={"qid": str, "docid": str})
    qrels = pd.read_csv(qrels_path, sep=r"\s+", header=None, names=["qid", "it", "docid", "rel"],
                        dtype={"qid": str, "docid": str})
    run = run.sort_values("score", ascending=False, kind="mergesort").drop_duplicates(["qid", "docid"])
    run = run.sort_values(["qid", "score", "docid"], ascending=[True, False, True], kind="mergesort")
    return run, qrels


def metrics(run_path, qrels_path):
    run, qrels = load(run_path, qrels_path)
    rankings = {q: g["docid"].tolist() for q, g in run.groupby("qid", sort=False)}
    out = {}
    for qid, g in qrels.groupby("qid"):
        rel = dict(zip(g["docid"], g["rel"].clip(lower=0)))
        n_rel = int((g["rel"] >= 1).sum())
        if n_rel == 0:
            continue
        docs = rankings.get(qid, [])
        r = np.array([rel.get(d, 0) for d in docs], dtype=float)
        hit = r >= 1
        disc = 1 / np.log2(np.arange(2, len(r) + 2))
        ideal = np.sort(np.array(list(rel.values()), dtype=float))[::-1][:10]
        idcg = ((2 ** ideal - 1) / np.log2(np.arange(2, len(ideal) + 2))).sum()
        dcg = ((2 ** r[:10] - 1) * disc[:10]).sum()
        first = np.flatnonzero(hit[:10])
        cum_hits = np.cumsum(hit[:1000])
        precision_at_hits = (cum_hits / np.arange(1, len(cum_hits) + 1))[hit[:1000]]
        out[qid] = {
            "ndcg@10": float(dcg / idcg),
            "mrr@10": float(1 / (first[0] + 1)) if len(first) else 0.0,
            "recall@100": float(hit[:100].sum() / n_rel),
            "map": float(precision_at_hits.sum() / n_rel),
        }
    return out
