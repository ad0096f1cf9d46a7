import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluate import evaluate  # noqa: E402


def test_perfect_ranking_scores_one():
    run = {"q1": ["a", "b", "c"]}
    qrels = {"q1": {"a": 2, "b": 1, "c": 0}}
    result = evaluate(run, qrels)
    assert math.isclose(result["mean"]["ndcg@10"], 1.0)
    assert math.isclose(result["mean"]["mrr@10"], 1.0)


def test_relevant_document_not_retrieved_costs_ndcg():
    run = {"q1": ["a", "b"]}
    qrels = {"q1": {"a": 1, "z": 3}}
    assert evaluate(run, qrels)["mean"]["ndcg@10"] < 0.5
