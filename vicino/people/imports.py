"""Importing customers from CSV or Excel: upload, check (dry run), then import in committed batches.

- Idempotent: each row is matched to an existing customer by external code, codice
  fiscale, e-mail or phone (in that order). A row that matches and says nothing new
  changes nothing; one with new values updates the customer (audited); consents are
  appended to the ledger only when they change the customer's state.
- Crash-safe: rows are applied in batches, each in one transaction together with the
  import's progress counter, so a killed import leaves whole batches only and
  `import_run` goes on from the first row not yet committed.
- Fast: a batch is matched with a handful of queries and written with bulk inserts; a
  large first import on SQLite loads in bulk (importbulk.py).
"""

import hashlib
import logging
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.audit import audit_record
from vicino.core.bulk import batch_collected, bulk_writing, collector_paused, statistics_refresh
from vicino.core.italy import PROVINCE_NAMES
from vicino.core.models import Network, Site, User

from . import importbatch, importbulk, importcache
from .importfile import MAX_BYTES, ImportFileError, file_read, mapping_guess
from .importrows import RowCleaner
from .models import Customer, CustomerImport, PrivacyNotice

logger = logging.getLogger(__name__)

# Rows per committed batch. Each commit rewrites every index page the batch touched, and
# at a million customers a batch touches most pages of the indexes on names, codici
# fiscali and contacts whatever its size: 50,000 rows a batch write a million with a fifth
# of the commit time of 5,000 (9 s against 43), and a killed import still loses at most
# one batch (5 s of work). The progress bar moves a batch at a time.
BATCH_SIZE = 50_000
REPORTED_ERRORS = importbatch.REPORTED_ERRORS
PROVINCES = set(PROVINCE_NAMES)
CONSENT_COLUMNS = importbatch.CONSENT_COLUMNS
# Cleaning a row (phones, codici fiscali, e-mails) is pure CPU: large files spread it over
# worker processes while this one writes. Small files stay in one process.
PARALLEL_MIN_BYTES = 2_000_000
# Rows a worker cleans at a time: small enough that a file of a few tens of thousands of
# rows still keeps every worker busy (the import gathers them into batches of its own).
CLEAN_CHUNK_ROWS = 10_000


@transaction.atomic
def import_upload(*, by: User, network: Network, site: Site | None, upload: UploadedFile) -> CustomerImport:
    """Keep the uploaded file and read its header; the column mapping starts from a guess."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than %(max)d MB: split it into smaller files.") % {"max": MAX_BYTES // 2**20})
    data = upload.read()
    try:
        table = file_read(data, upload.name)
    except ImportFileError as error:
        raise ValidationError(str(error.message), code=error.code) from None
    customer_import = CustomerImport(
        network=network, site=site, uploaded_by=by, filename=upload.name[-200:], sha256=hashlib.sha256(data).hexdigest(),
        headers=table.headers, mapping=mapping_guess(table.headers),
    )  # fmt: skip
    customer_import.file.save(upload.name, ContentFile(data), save=False)
    customer_import.save()
    return customer_import


CleanRow = tuple[int, dict, list[tuple[str, str]]]


def import_rows(customer_import: CustomerImport, *, skip: int = 0, writing: bool = False) -> Iterator[CleanRow]:
    """(spreadsheet row number, clean data, [(field, problem)]) for each data row after `skip`, streamed.

    `writing`: this process writes the rows as they come, so it keeps a core for itself
    (three busy processes on two cores slowed a million-row import by half).
    """
    for cleaned in _chunks_map(customer_import, _rows_clean, skip=skip, writing=writing):
        yield from cleaned


def _chunks_map(customer_import: CustomerImport, work: Callable, *, skip: int = 0, writing: bool = False) -> Iterator:
    """`work` applied to each chunk of CLEAN_CHUNK_ROWS rows of the file, in order: in worker processes for large files."""
    with customer_import.file.open("rb") as handle:
        data = handle.read()
    table = file_read(data, customer_import.filename)
    numbered = islice(enumerate(table.rows, start=2), skip, None)
    chunks = iter(lambda: list(islice(numbered, CLEAN_CHUNK_ROWS)), [])
    jobs = ((table.headers, customer_import.mapping, chunk) for chunk in chunks)
    workers = multiprocessing.cpu_count() - (1 if writing else 0)
    if len(data) < PARALLEL_MIN_BYTES or workers < 1 or multiprocessing.cpu_count() < 2:
        yield from map(work, jobs)
        return
    # Forked workers need no Django setup of their own and never touch the database.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(work, jobs, chunksize=1)


def _rows_clean(job: tuple[list[str], dict[str, str], list[tuple[int, list[str]]]]) -> list[CleanRow]:
    with collector_paused():
        cleaned = _chunk_clean(job)
    batch_collected()
    return cleaned


def _chunk_clean(job: tuple[list[str], dict[str, str], list[tuple[int, list[str]]]]) -> list[CleanRow]:
    headers, mapping, chunk = job
    clean = RowCleaner(provinces=PROVINCES).for_columns(headers, mapping)
    cleaned = []
    for number, values in chunk:
        row = clean(values)
        if row.errors:
            cleaned.append((number, row.data, [(error.field, str(error.message)) for error in row.errors]))
        else:
            importbatch.row_derive(row.data)
            cleaned.append((number, row.data, []))
    return cleaned


def _rows_check(job: tuple[list[str], dict[str, str], list[tuple[int, list[str]]]]) -> tuple[bytes, list[tuple[int, str, list]]]:
    """The check's work on a chunk: the cleaned rows as one frame for the import, and what
    the check itself needs of each row (number, site code, problems), so that only that
    little crosses back from the worker process.

    The collector stays off until the rows are gone: they hold no cycles and are freed
    when this returns, where a collection while they lived cost a tenth of the check.
    """
    with collector_paused():
        cleaned = _chunk_clean(job)
        summary = [(number, data.get("site_code", ""), errors) for number, data, errors in cleaned]
        frame = importcache.frame_dumps(cleaned)
        del cleaned
    return frame, summary


# An import this large changes the tables enough for the planner's statistics to mislead it.
STATISTICS_AFTER_ROWS = 10_000

# Files larger than this are checked by the worker while the page shows progress.
CHECK_IN_REQUEST_BYTES = 1_000_000


def import_check(*, customer_import: CustomerImport, mapping: dict[str, str], notice: PrivacyNotice | None) -> CustomerImport:
    """Save the mapping and run the dry run: at once for small files, in the background for large ones."""
    from .tasks import customer_import_check

    customer_import.mapping = {header: f for header, f in mapping.items() if f}
    customer_import.notice = notice
    if not customer_import.mapping:
        raise ValidationError(_("Choose at least one column to import."), code="no_mapping")
    consents_mapped = any(f in CONSENT_COLUMNS for f in customer_import.mapping.values())
    if consents_mapped and notice is None:
        raise ValidationError(_("The file has consent columns: choose the privacy notice those customers were shown."), code="notice_required")
    if customer_import.file.size <= CHECK_IN_REQUEST_BYTES:
        return _check(customer_import)
    customer_import.status = CustomerImport.Status.CHECKING
    customer_import.save()
    transaction.on_commit(lambda: customer_import_check.enqueue(import_id=customer_import.pk))
    return customer_import


def import_check_saved(*, import_id: int) -> CustomerImport:
    return _check(CustomerImport.objects.select_related("network").get(pk=import_id))


def _check(customer_import: CustomerImport) -> CustomerImport:
    """The dry run: clean every row, count the good and bad ones, keep the first problems; write no customer."""
    sites = importbatch.site_codes(customer_import.network)
    total = valid = bad = 0
    errors: list[dict] = []
    kept = importcache.CheckedRowsWriter(customer_import)
    try:
        with collector_paused():
            for frame, summary in _chunks_map(customer_import, _rows_check):
                batch_collected()
                kept.add_frame(frame)
                for number, code, row_errors in summary:
                    total += 1
                    if code and code.casefold() not in sites:
                        row_errors.append(("site_code", _("“%(value)s” is not a site code of this network.") % {"value": code}))
                    if row_errors:
                        bad += 1
                        errors.extend({"row": number, "field": f, "message": m} for f, m in row_errors if len(errors) < REPORTED_ERRORS)
                    else:
                        valid += 1
    except BaseException as error:
        kept.abandon()  # a check that did not finish leaves no rows for the import
        if isinstance(error, ImportFileError):
            raise ValidationError(str(error.message), code=error.code) from None
        raise
    kept.close()
    customer_import.total_rows, customer_import.valid_rows, customer_import.error_rows = total, valid, bad
    customer_import.errors = errors
    customer_import.status = CustomerImport.Status.CHECKED
    customer_import.save()
    return customer_import


def import_start(*, by: User, customer_import: CustomerImport) -> CustomerImport:
    """Queue the import of the checked file's good rows; the page follows its progress."""
    from .tasks import customer_import_run

    if customer_import.status not in (CustomerImport.Status.CHECKED, CustomerImport.Status.RUNNING, CustomerImport.Status.FAILED):
        raise ValidationError(_("Check the file before importing it."), code="not_checked")
    CustomerImport.objects.filter(pk=customer_import.pk).update(status=CustomerImport.Status.RUNNING, failure="")
    customer_import.status = CustomerImport.Status.RUNNING
    transaction.on_commit(lambda: customer_import_run.enqueue(import_id=customer_import.pk))
    return customer_import


def import_run(*, import_id: int) -> CustomerImport:
    """Apply the file's good rows batch by batch from where the import stopped; then record it."""
    customer_import = CustomerImport.objects.select_related("network", "site", "uploaded_by", "notice").get(pk=import_id)
    if customer_import.status == CustomerImport.Status.DONE:
        return customer_import
    context = importbatch.BatchContext(
        network=customer_import.network, site=customer_import.site, by=customer_import.uploaded_by,
        notice=customer_import.notice, filename=customer_import.filename, import_id=customer_import.pk,
        sites=importbatch.site_codes(customer_import.network),
    )  # fmt: skip
    try:
        with bulk_writing(), collector_paused():
            finished = importbulk.bulk_applies(customer_import) and importbulk.bulk_import(customer_import, context, BATCH_SIZE)
            if not finished:
                _batches_write(customer_import, context)
    except Exception as error:
        logger.exception("Import %s stopped at row %s", import_id, customer_import.rows_done)
        CustomerImport.objects.filter(pk=import_id).update(status=CustomerImport.Status.FAILED, failure=str(error)[:2000])
        raise
    with transaction.atomic():
        customer_import.status = CustomerImport.Status.DONE
        customer_import.finished_at = timezone.now()
        customer_import.save(update_fields=["status", "finished_at", "updated_at"])
        audit_record(
            by=customer_import.uploaded_by, action="customer.import", target=customer_import.network,
            changes={"file": [None, customer_import.filename], "created": [None, customer_import.created_count],
                     "updated": [None, customer_import.updated_count], "skipped": [None, customer_import.skipped_count]},
        )  # fmt: skip
    importcache.checked_rows_discard(customer_import)
    if customer_import.rows_done >= STATISTICS_AFTER_ROWS:
        # The customers table is where plans turn on the numbers (search, duplicates).
        statistics_refresh(Customer._meta.db_table)
    return customer_import




def _batches_write(customer_import: CustomerImport, context: importbatch.BatchContext) -> None:
    rows = importcache.checked_rows(customer_import, skip=customer_import.rows_done)
    if rows is None:
        rows = import_rows(customer_import, skip=customer_import.rows_done, writing=True)
    batch: list[CleanRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_SIZE:
            _batch_commit(customer_import, context, batch)
            batch = []
            batch_collected()
    if batch:
        _batch_commit(customer_import, context, batch)


@transaction.atomic
def _batch_commit(customer_import: CustomerImport, context: importbatch.BatchContext, batch: list[CleanRow]) -> None:
    """Write one batch and advance the progress in the same transaction: all of it or none."""
    good = [(number, data) for number, data, errors in batch if not errors and _site_ok(data, context)]
    created, updated, unchanged, problems = importbatch.batch_apply(context, good)
    importbatch.progress_save(customer_import, rows=len(batch), created=created, updated=updated, unchanged=unchanged, skipped=len(batch) - len(good), problems=problems)


def _site_ok(data: dict, context: importbatch.BatchContext) -> bool:
    code = data.get("site_code")
    return not code or code.casefold() in context.sites
