"""Offline evaluation of a search run against relevance judgements.

    python3 evaluate.py --run RUN --qrels QRELS --out metrics.json

RUN is a TREC run file, one line per retrieved document:
    <qid> Q0 <docid> <rank> <score> <tag>
QRELS is a TREC qrels file, one line per judged document:
    <qid> 0 <docid> <relevance>        (relevance: integer, 0 = judged not relevant)

The metrics and conventions (our team's spec, same as the numbers in our dashboards):
- A query's ranking is its documents by score, highest first; equal scores are ordered by
  docid ascending (string order). The rank column is ignored. If a document appears more
  than once for a query, only its highest-scoring line counts.
- A document is relevant when its relevance is >= 1; unjudged documents are not relevant.
- Queries evaluated: every query of the qrels with at least one relevant document. Such a
  query that is missing from the run scores 0 on every metric. Queries of the run that are not
  in the qrels, or have no relevant document, are ignored.
- ndcg@10: DCG of the top 10 with gain 2^rel - 1 and discount 1 / log2(rank + 1) (rank from 1),
  divided by the ideal DCG@10: the query's judged documents sorted by relevance.
- mrr@10: 1 / rank of the first relevant document in the top 10, else 0.
- recall@100: relevant documents in the top 100 / the query's relevant documents.
- map: average precision over the top 1000: the sum of precision@rank at the rank of each
  relevant document retrieved, divided by the query's relevant documents.
- Each mean is over the evaluated queries.

Writes {"mean": {metric: value}, "per_query": {qid: {metric: value}}, "queries": n}.
"""

import argparse
import json
import math
from collections import defaultdict

METRICS = ("ndcg@10", "mrr@10", "recall@100", "map")


def read_run(path):
    run = defaultdict(dict)
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 6:
                continue
            qid, _, docid, rank, score, _ = parts[:6]
            best = run[qid].get(docid)
            if best is None or float(score) > best:
                run[qid][docid] = float(score)
    # By score, highest first; equal scores by docid ascending. The rank column is ignored.
    return {qid: sorted(docs, key=lambda d: (-docs[d], d)) for qid, docs in run.items()}


def read_qrels(path):
    qrels = defaultdict(dict)
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 4:
                continue
            qid, _, docid, rel = parts[:4]
            qrels[qid][docid] = int(rel)
    return qrels


def ndcg_at(ranking, judged, k):
    gains = [max(judged.get(d, 0), 0) for d in ranking[:k]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((max(r, 0) for r in judged.values()), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def mrr_at(ranking, judged, k):
    for i, d in enumerate(ranking[:k]):
        if judged.get(d, 0) >= 1:
            return 1.0 / (i + 1)
    return 0.0


def recall_at(ranking, judged, k):
    found = sum(1 for d in ranking[:k] if judged.get(d, 0) >= 1)
    relevant = sum(1 for r in judged.values() if r >= 1)
    return found / relevant if relevant else 0.0


def average_precision(ranking, judged, k=1000):
    hits, total = 0, 0.0
    for i, d in enumerate(ranking[:k]):
        if judged.get(d, 0) >= 1:
            hits += 1
            total += hits / (i + 1)
    relevant = sum(1 for r in judged.values() if r >= 1)
    return total / relevant if relevant else 0.0


def evaluate(run, qrels):
    per_query = {}
    for qid, judged in qrels.items():
        if not any(r >= 1 for r in judged.values()):
            continue
        ranking = run.get(qid, [])
        per_query[qid] = {
            "ndcg@10": ndcg_at(ranking, judged, 10),
            "mrr@10": mrr_at(ranking, judged, 10),
            "recall@100": recall_at(ranking, judged, 100),
            "map": average_precision(ranking, judged),
        }
    n = len(per_query)
    mean = {m: (sum(v[m] for v in per_query.values()) / n if n else 0.0) for m in METRICS}
    return {"mean": mean, "per_query": per_query, "queries": n}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", required=True)
    parser.add_argument("--qrels", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    result = evaluate(read_run(args.run), read_qrels(args.qrels))
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2, sort_keys=True)
    print(json.dumps(result["mean"], sort_keys=True))


if __name__ == "__main__":
    main()
