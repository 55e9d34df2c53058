"""Data directories written before generations: ``graph/``, ``index/``, ``texts/``, ``cache/`` at the top.

Readers read such a directory in place (as generation 0, :func:`kgdatadir.generations.acquire`). The
first writer migrates it, once, under the writer lock (:func:`migrate`):

1. if an ingest of that older version was interrupted, its rollback journal (``ingest.journal``: a
   header line, then per named graph its content before the ingest, or "absent") is applied — the
   graphs are put back, unless the ingest had finished everything but deleting the journal (the
   index was switched during it and matches the graph), exactly as that version's recovery did;
2. generation 1 is made from it like any next generation (checkpoint, hard links, copy) and published;
3. the old parts are removed once no reader holds them (:func:`kgdatadir.generations.collect`).

A crash during 1 is repaired by the next writer (restoring pre-images is idempotent); during 2, before
the publish, it leaves the old layout as it was and a draft the next writer removes.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from rdflib import Graph, URIRef

from kgdatadir.copying import start_generation
from kgdatadir.generations import (
    collect,
    current,
    fsync_dir,
    fsync_tree,
    gen_path,
    legacy_parts,
    write_pointer,
)

log = logging.getLogger(__name__)
JOURNAL = "ingest.journal"


def read_journal(path: Path) -> tuple[dict, list[dict]]:
    """(header, records) of an old rollback journal; a torn last line (its graph never written) is ignored."""
    header: dict = {}
    records: list[dict] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            try:
                item = json.loads(line)
            except ValueError:
                break
            if n == 0:
                header = item
            else:
                records.append(item)
    return header, records


def _index_current(data_dir: Path) -> str | None:
    try:
        return (data_dir / "index" / "CURRENT").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def roll_back(data_dir: Path, store_kind: str) -> str:
    """Apply an old version's rollback journal in ``data_dir`` (see the module docstring); what was done."""
    from kg.store import open_store
    from search.service import index_matches

    path = data_dir / JOURNAL
    header, records = read_journal(path)
    switched = bool(header) and _index_current(data_dir) != header.get("index")
    with open_store(store_kind, data_dir) as store:
        if switched and index_matches(store, data_dir):
            outcome = "an interrupted ingest of an older version had finished; its result was kept"
        else:
            for record in records:
                graph = URIRef(record["graph"])
                if record.get("existed"):
                    store.replace(graph, Graph().parse(data=record["nt"], format="nt"))
                else:
                    store.drop([graph])
            outcome = f"an interrupted ingest of an older version was rolled back ({len(records)} graphs restored)"
    path.unlink()
    fsync_dir(data_dir)
    return outcome


def migrate(data_dir: Path, store_kind: str) -> str | None:
    """Make generation 1 from a data directory of the old layout (the caller holds the writer lock).

    Returns what was done, or None when there was nothing to migrate.
    """
    if current(data_dir) is not None or not legacy_parts(data_dir):
        return None
    done = []
    if (data_dir / JOURNAL).is_file():
        done.append(roll_back(data_dir, store_kind))
    path = gen_path(data_dir, 1)
    start_generation(data_dir, path, store_kind)
    fsync_tree(path)
    fsync_dir(data_dir)
    write_pointer(data_dir, 1)
    collect(data_dir)
    kept = bool(legacy_parts(data_dir))
    done.append("moved the data of the layout before generations into generation 1"
                + ("; the old files stay until their readers finish" if kept else ""))
    return "; ".join(done)
