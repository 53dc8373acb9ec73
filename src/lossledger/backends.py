"""Run claim extraction on one core, on every core, or on a Dask cluster.

What goes in: the articles table (as :func:`lossledger.articles.load_articles`
gives it), the name of a backend and, for Dask, optionally the address of a
running scheduler.

What comes out: the claims table, exactly the one
:func:`lossledger.claims.extract_claims` gives for the same articles: same
rows, same order, same dtypes, so the CSV written from it is byte-identical
whatever the backend.

How: the articles are cut into batches in their order, each batch goes through
``extract_claims`` in a worker, and the batch tables are put back together in
batch order. Extraction is independent per article (no claim looks at another
article), which is what makes the split safe.

For corpora too big to hold, :func:`iter_extract_claims` takes the articles as
an iterable of batches (``lossledger.articles.stream_articles``) and yields
each batch's claims table in turn, with a bounded number of batches in flight.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

import pandas as pd

# Imported once per worker process when this module is imported there, never per batch.
from lossledger.claims import extract_claims

if TYPE_CHECKING:
    from distributed import Client

BACKENDS: tuple[str, ...] = ("serial", "processes", "dask")
DEFAULT_BATCH_SIZE = 200
DASK_INSTALL_HINT = 'pip install -e ".[dask]"'
# extract_claims sorts its table by these keys (stably); the batches are re-sorted the same way.
_SORT_KEYS = ["article_id", "start", "kind", "end"]

_BatchResult = tuple[pd.DataFrame, list[str]]
# Batches handed to workers ahead of the one being collected, per worker: enough to keep
# every worker busy while the caller writes a result, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 2


def extract_claims_with(
    articles: pd.DataFrame,
    backend: str = "serial",
    *,
    scheduler_address: str = "",
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> pd.DataFrame:
    """Extract the claims of ``articles`` with the chosen backend.

    In: ``articles``, the articles table; ``backend``, one of :data:`BACKENDS`:
    ``serial`` (this process), ``processes`` (a process pool over every core of
    the machine) or ``dask`` (a local Dask cluster with one single-threaded
    worker process per core, or the scheduler at ``scheduler_address`` when it
    is given, e.g. ``tcp://10.0.0.5:8786``; other backends ignore it);
    ``batch_size``, articles per task (input of at most one batch is extracted
    in this process whatever the backend: a pool would only add start-up time).

    Out: the claims table, equal to ``extract_claims(articles)`` (same rows,
    order and dtypes). Warnings about skipped articles raised in the workers are
    raised again here.

    Raises ValueError naming the backend when it is unknown, or when
    ``batch_size`` is not positive; ImportError with the install command when
    ``dask`` is asked for and Dask is not installed.
    """
    _check_backend(backend)
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive number of articles, not {batch_size!r}")
    if backend == "serial":
        return extract_claims(articles)
    # Resolved before looking at the articles so a missing Dask fails even on tiny input.
    runner = _run_processes if backend == "processes" else _dask_runner(scheduler_address)
    if articles is None or len(articles) <= batch_size:
        # One batch: a pool would only add start-up time; the result is the same.
        return extract_claims(articles)

    results = runner(list(_batches(articles, batch_size)))
    for _, messages in results:
        for message in messages:
            warnings.warn(message, stacklevel=2)
    return _combine([table for table, _ in results])


def iter_extract_claims(
    batches: Iterable[pd.DataFrame],
    backend: str = "serial",
    *,
    scheduler_address: str = "",
    in_flight: int | None = None,
) -> Iterator[pd.DataFrame]:
    """Extract the claims of article batches one batch at a time; yield a claims table each.

    In: ``batches``, an iterable of articles tables (typically an
    :class:`lossledger.articles.ArticleStream`), consumed lazily; ``backend``
    and ``scheduler_address`` as for :func:`extract_claims_with`;
    ``in_flight``, the most batches handed to workers and not yet yielded
    (default :data:`IN_FLIGHT_PER_WORKER` per worker), which bounds memory
    whatever the number of batches.

    Out: one claims table per input batch, ``extract_claims(batch)``, in input
    order (an empty batch gives an empty table). When the batches are
    consecutive slices of an articles table sorted by ``article_id``, as the
    loader and the stream give it, the yielded tables written one after the
    other are byte for byte the table ``extract_claims_with`` gives for the
    whole. Warnings raised in workers are raised again here, with their batch.

    A single batch is extracted in this process whatever the backend (a pool
    would only add start-up time). Stopping the iteration early cancels the
    batches not yet started. Raises like :func:`extract_claims_with` for an
    unknown backend or a missing Dask, before any batch is read.
    """
    _check_backend(backend)
    if in_flight is not None and in_flight < 1:
        raise ValueError(f"in_flight must be a positive number of batches, not {in_flight!r}")
    if backend == "dask":
        _dask_runner(scheduler_address)  # a missing Dask fails now, not after the first batch
    pending = iter(batches)
    first = next(pending, None)
    if first is None:
        return
    second = next(pending, None)
    if backend == "serial" or second is None:
        yield extract_claims(first)
        if second is not None:
            yield extract_claims(second)
            for batch in pending:
                yield extract_claims(batch)
        return
    ordered = _chain(first, second, pending)
    if backend == "processes":
        yield from _stream_processes(ordered, in_flight)
    else:
        yield from _stream_dask(ordered, scheduler_address, in_flight)


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(
            f"unknown extraction backend {backend!r}; choose one of: {', '.join(BACKENDS)}"
        )


def _chain(
    first: pd.DataFrame, second: pd.DataFrame, rest: Iterator[pd.DataFrame]
) -> Iterator[pd.DataFrame]:
    yield first
    yield second
    yield from rest


def _reraise(result: _BatchResult) -> pd.DataFrame:
    """The table of a worker's result, after raising its warnings again in this process."""
    table, messages = result
    for message in messages:
        warnings.warn(message, stacklevel=3)
    return table


def _stream_processes(
    batches: Iterator[pd.DataFrame], in_flight: int | None
) -> Iterator[pd.DataFrame]:
    """Batches through a process pool, at most ``in_flight`` submitted ahead; tables in order."""
    workers = os.cpu_count() or 1
    limit = in_flight or IN_FLIGHT_PER_WORKER * workers
    # Workers start from a clean server process, not by forking this one: a stream is
    # often read inside the ledger's write, while DuckDB's threads run here, and forking
    # a process with threads can deadlock the child. The server imports the rules once.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["lossledger.claims"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        window: deque = deque()
        for batch in batches:
            window.append(pool.submit(_extract_batch, batch))
            if len(window) >= limit:
                yield _reraise(window.popleft().result())
        while window:
            yield _reraise(window.popleft().result())
    finally:
        # Also when the caller stops early or a batch failed: drop what has not started.
        pool.shutdown(wait=True, cancel_futures=True)


def _stream_dask(
    batches: Iterator[pd.DataFrame], scheduler_address: str, in_flight: int | None
) -> Iterator[pd.DataFrame]:
    """Batches on a Dask cluster (see :func:`_run_dask`), at most ``in_flight`` ahead."""
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if scheduler_address:
            client = stack.enter_context(Client(scheduler_address, timeout="30s"))
        else:
            cores = os.cpu_count() or 1
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=cores,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.WARNING,
                )
            )
            client = stack.enter_context(Client(cluster))
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        limit = in_flight or IN_FLIGHT_PER_WORKER * workers
        window: deque = deque()
        try:
            for batch in batches:
                # Scattered first, as in _submit: the text stays out of the task graph.
                [data] = client.scatter([batch])
                window.append(client.submit(_extract_batch, data, pure=False))
                if len(window) >= limit:
                    yield _reraise(window.popleft().result())
            while window:
                yield _reraise(window.popleft().result())
        finally:
            for future in window:
                future.cancel()


def _batches(articles: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    """Consecutive slices of ``size`` rows, in the table's order."""
    for begin in range(0, len(articles), size):
        yield articles.iloc[begin : begin + size]


def _extract_batch(batch: pd.DataFrame) -> _BatchResult:
    """Worker side: the claims of one batch, and the warnings it raised (as text).

    Module level so that both pools can pickle it by reference. Warnings are
    caught and returned because a worker's stderr is not where the user looks.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = extract_claims(batch)
    return table, [str(w.message) for w in caught]


def _combine(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate batch tables into the table extract_claims gives for all the articles.

    Batches hold whole articles, so each claim keeps its place within its article;
    a stable re-sort on extract_claims' own keys then gives its order even when the
    articles were not sorted by id (ties keep batch order, which is article order).
    """
    filled = [t for t in tables if not t.empty]
    if not filled:
        # Every batch was empty: the empty table has the columns of any batch.
        return tables[0] if tables else extract_claims(pd.DataFrame())
    table = pd.concat(filled, ignore_index=True)
    for column in table.columns:
        dtypes = {str(t[column].dtype) for t in filled}
        if len(dtypes) > 1:
            # A batch where a column happened to be all-missing infers another dtype
            # than the whole table would; infer the column again from its values.
            table[column] = pd.Series(table[column].tolist(), name=column)
    table = table.sort_values(_SORT_KEYS, kind="stable")
    return table.reset_index(drop=True)


def _run_processes(batches: list[pd.DataFrame]) -> list[_BatchResult]:
    """Every batch through a process pool with one worker per core; results in batch order."""
    workers = min(os.cpu_count() or 1, len(batches))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # map keeps the input order; chunksize 1 because a batch is already big enough.
        return list(pool.map(_extract_batch, batches))


def _dask_runner(scheduler_address: str) -> Callable[[list[pd.DataFrame]], list[_BatchResult]]:
    """Return a function that runs batches on Dask; fail now if Dask is missing."""
    try:
        import distributed  # noqa: F401  (checked here so the error comes before any work)
    except ImportError as error:
        raise ImportError(
            "the 'dask' extraction backend needs Dask and distributed, which are not "
            f"installed; install them with: {DASK_INSTALL_HINT}"
        ) from error

    def run(batches: list[pd.DataFrame]) -> list[_BatchResult]:
        return _run_dask(batches, scheduler_address)

    return run


def _run_dask(batches: list[pd.DataFrame], scheduler_address: str) -> list[_BatchResult]:
    """Every batch on a Dask cluster; results in batch order.

    A local cluster (one single-threaded worker process per core: extraction is
    pure Python, so threads would queue on the GIL) is started and closed here
    unless ``scheduler_address`` names a running scheduler, which is left running.
    """
    from distributed import Client, LocalCluster

    quiet = logging.WARNING  # Dask logs every worker start at INFO; the user needs none of it.
    if scheduler_address:
        with Client(scheduler_address, timeout="30s") as client:
            return _submit(client, batches)
    cores = os.cpu_count() or 1
    with (
        LocalCluster(
            n_workers=min(cores, len(batches)),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=quiet,
        ) as cluster,
        Client(cluster) as client,
    ):
        return _submit(client, batches)


def _submit(client: Client, batches: Iterable[pd.DataFrame]) -> list[_BatchResult]:
    """Scatter the batches, extract each where it lands, gather in submission order."""
    # Scattering first keeps the article text out of the task graph (Dask warns about
    # large graphs and ships them through the scheduler); pure=False so that two
    # identical batches are still two tasks.
    data = client.scatter(list(batches))
    futures = client.map(_extract_batch, data, pure=False)
    return client.gather(futures)
