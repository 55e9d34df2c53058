"""An app over a private copy of the ingested corpus, and small stores for what the corpus lacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import FOAF, ORG, PROV, RDF, RDFS

from kg.namespace import KG, KGR

TIMEOUT = 1.0
MAX_ROWS = 100


@pytest.fixture(scope="session")
def api_data(corpus_checkpoint) -> Path:
    """The ingested corpus (graph and texts) copied, so apps can open it themselves while the session store is open."""
    return corpus_checkpoint("api")


def make_config(data_dir: Path, **settings):
    from kg.settings import load_config

    base = {"data_dir": data_dir, "store": "oxigraph", "sparql_timeout": TIMEOUT, "sparql_max_rows": MAX_ROWS,
            "update_token": ""}
    return load_config(base | settings)


@pytest.fixture(scope="session")
def client(api_data):
    """The real app, read-only, over the corpus: 1 s query limit, 100-row cap."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(make_config(api_data))) as c:
        yield c


@pytest.fixture(scope="session")
def search_client(api_data, corpus_store, corpus_index, tmp_path_factory):
    """The real app with the real search index and model (for /search, /ask and kgf:similarity)."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    _, cfg, _ = corpus_store
    data = tmp_path_factory.mktemp("api-search") / "data"
    shutil.copytree(api_data, data)
    shutil.copytree(cfg.data_dir / "index", data / "index")
    with TestClient(create_app(make_config(data, model_cache=cfg.model_cache))) as c:
        yield c


@pytest.fixture(scope="session")
def doc_ids(client) -> list[str]:
    return [d["id"] for d in client.get("/documents").json()["items"]]


def tiny_store(data_dir: Path, triples) -> Path:
    """An Oxigraph store under ``data_dir`` holding ``triples`` in one named graph."""
    from kg.store import open_store

    with open_store("oxigraph", data_dir) as store:
        store.replace(KGR["graph/test"], triples)
    return data_dir


def people_and_plans():
    """Three initiatives, two actors and the ingest software (which is not an actor)."""
    out = []
    for n, label in enumerate(["Akutte psykiatriske teams", "Flere sengepladser", "Mindre tvang"], 1):
        node = KGR[f"initiative/test/{n}"]
        out += [(node, RDF.type, KG.Initiative), (node, RDFS.label, Literal(label))]
    region, person = KGR["actor/region-hovedstaden"], KGR["actor/jens"]
    software = KGR["software/psykiatri-kg"]
    out += [(region, RDF.type, ORG.Organization), (region, RDFS.label, Literal("Region Hovedstaden")),
            (person, RDF.type, FOAF.Person), (person, RDFS.label, Literal("Jens Jensen")),
            (software, RDF.type, PROV.SoftwareAgent), (software, RDFS.label, Literal("psykiatri-kg 0.1.0")),
            (KGR["initiative/test/1"], PROV.wasAttributedTo, region)]
    return out
