"""The naive peer: the ~20-line search server a user would write with the same model and passages.

sentence-transformers on torch (fp32, its default threads) encodes the question, faiss ``IndexFlatIP``
returns the top 10, FastAPI serves them. No BM25, no translation, no facts, no cache. The bench runs it
beside ``kg serve`` on the passages of the same index (``records.jsonl``), with the same questions.

    KG_PEER_RECORDS=<index version>/records.jsonl KG_PEER_MODEL=<model dir> KG_PEER_VECTORS=<cache .npy> \\
        python -m uvicorn naive_peer:app --app-dir bench --port 8001
"""

import json
import os
from pathlib import Path

import faiss
import numpy as np
from fastapi import FastAPI
from sentence_transformers import SentenceTransformer

model = SentenceTransformer(os.environ["KG_PEER_MODEL"], device="cpu")
passages = [json.loads(line) for line in open(os.environ["KG_PEER_RECORDS"], encoding="utf-8")]
texts = [f"{p['context']}\n{p['text']}" if p.get("context") else p["text"] for p in passages]
cached = Path(os.environ.get("KG_PEER_VECTORS", "peer-vectors.npy"))
if cached.is_file():  # the bench encodes the passages once per run, not once per server start
    vectors = np.load(cached)
else:
    vectors = model.encode(texts, prompt="passage: ", normalize_embeddings=True, batch_size=8)
    np.save(cached, vectors)
index = faiss.IndexFlatIP(vectors.shape[1])
index.add(np.ascontiguousarray(vectors, dtype=np.float32))
app = FastAPI()


@app.get("/search")
def search(q: str, k: int = 10) -> dict:
    vector = model.encode([q], prompt="query: ", normalize_embeddings=True)
    scores, ids = index.search(vector, k)
    return {"query": q, "results": [{"rank": r + 1, "score": float(s), "doc_key": passages[i]["doc_key"],
                                     "page": passages[i]["page"], "text": passages[i]["text"]}
                                    for r, (s, i) in enumerate(zip(scores[0], ids[0]))]}


@app.get("/health")
def health() -> dict:
    return {"ok": True}
