"""Labels for a selection of trees, seedling lots or product batches, streamed from the
database to a PDF."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from smarttrees import products
from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.labels import codes
from smarttrees.labels.sheets import LAYOUTS, Fonts, Label, render_sheet
from smarttrees.models import AdminUnit, ImportBatch, ProductBatch, SeedlingLot, Tree
from smarttrees.services.inventory.trees import TreeQuery, filtered_trees, reserve_tree_codes

BATCH = 1000


@dataclass(frozen=True)
class Selection:
    """What to print: exactly one of these is set."""

    codes: tuple[str, ...] = ()
    import_batch_id: int | None = None
    commune_code: str | None = None
    query: TreeQuery | None = None
    lots: tuple[str, ...] = ()
    batches: tuple[str, ...] = ()


def _coded(model, given: tuple[str, ...], refusal: Callable[[list[str]], NotFound]) -> Select:
    """The records of these label codes (as typed); the codes that name none are refused."""
    wanted = [codes.normalize(code) for code in given]
    found = set(db.session.scalars(select(model.code).where(model.code.in_(wanted))))
    if missing := [code for code in wanted if code not in found]:
        raise refusal(missing[:20])
    return select(model).where(model.code.in_(wanted))


def _tree_statement(selection: Selection) -> Select:
    if selection.codes:
        return _coded(
            Tree,
            selection.codes,
            lambda missing: NotFound("Some codes belong to no tree.", details={"codes": missing}),
        )
    if selection.import_batch_id is not None:
        if db.session.get(ImportBatch, selection.import_batch_id) is None:
            raise NotFound(
                "No import has this number.", details={"import_batch": selection.import_batch_id}
            )
        return select(Tree).where(Tree.import_batch_id == selection.import_batch_id)
    if selection.commune_code:
        unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == selection.commune_code))
        if unit is None:
            raise NotFound("No commune has this code.", details={"commune": selection.commune_code})
        return select(Tree).where(Tree.commune_id == unit.id)
    return filtered_trees(selection.query or TreeQuery())


def _lot_statement(selection: Selection) -> Select:
    return _coded(
        SeedlingLot,
        selection.lots,
        lambda missing: NotFound(
            "Some codes belong to no seedling lot.", details={"lots": missing}
        ),
    )


def _batch_statement(selection: Selection) -> Select:
    return _coded(
        ProductBatch,
        selection.batches,
        lambda missing: NotFound("Some codes belong to no batch.", details={"batches": missing}),
    )


def _kind(selection: Selection) -> tuple[Select, Callable[[Select, str], Iterator[Label]], str]:
    """What the selection prints: its statement, its labels and the path its codes open."""
    if selection.lots:
        return _lot_statement(selection), _lot_labels, "l"
    if selection.batches:
        return _batch_statement(selection), _batch_labels, "b"
    return _tree_statement(selection), _tree_labels, "t"


def count_labels(selection: Selection) -> int:
    stmt = _kind(selection)[0]
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def _tree_labels(stmt: Select, base_url: str) -> Iterator[Label]:
    stmt = stmt.options(joinedload(Tree.species), joinedload(Tree.commune)).order_by(Tree.code)
    for tree in db.session.scalars(stmt.execution_options(yield_per=BATCH)):
        species = tree.species
        lines = (
            species.vi_name if species else "",
            species.scientific_name if species else "",
            tree.commune.name if tree.commune else "",
        )
        yield Label(tree.code, f"{base_url}/t/{tree.code}", lines)


def _lot_labels(stmt: Select, base_url: str) -> Iterator[Label]:
    stmt = stmt.options(joinedload(SeedlingLot.species), joinedload(SeedlingLot.nursery))
    for lot in db.session.scalars(stmt.order_by(SeedlingLot.code)):
        lines = (lot.species.vi_name, lot.nursery.name, lot.seed_source or "")
        yield Label(lot.code, f"{base_url}/l/{lot.code}", lines)


def _batch_labels(stmt: Select, base_url: str) -> Iterator[Label]:
    stmt = stmt.options(joinedload(ProductBatch.species), joinedload(ProductBatch.harvest))
    for batch in db.session.scalars(stmt.order_by(ProductBatch.code)):
        product = products.PRODUCTS[batch.kind.value]
        volume = f"{batch.volume_m3:.3f}".replace(".", ",")
        harvest = batch.harvest
        lines = (
            f"{product.name_vi} · {volume} m³ · HS {product.hs_code}",
            batch.species.vi_name if batch.species else "",
            f"{harvest.number} · {harvest.harvested_on:%d/%m/%Y}" if harvest else "",
        )
        yield Label(batch.code, f"{base_url}/b/{batch.code}", lines)


def write_labels(
    selection: Selection,
    out: BinaryIO,
    *,
    base_url: str,
    layout: str,
    fonts: Fonts,
    code128: bool = False,
    limit: int = 20_000,
    margins: tuple[float, float] | None = None,
    note: str = "",
    title: str = "SmartTrees labels",
) -> int:
    """Render the selection's labels into `out`; refuses an empty or oversized selection.
    `note` (with "{url}" where the codes' address goes) is said on each page and in the PDF's
    subject."""
    if layout not in LAYOUTS:
        raise ValidationFailed(
            "Some fields are not valid.", details={"layout": "Choose one of the listed values."}
        )
    count = count_labels(selection)
    if count == 0:
        raise ValidationFailed(
            "Nothing to print: the selection holds no record.", details={"selection": "empty"}
        )
    if count > limit:
        raise ValidationFailed(
            "Too many labels for one PDF; narrow the selection.",
            details={"selection": f"{count} > {limit}"},
        )
    base_url = base_url.rstrip("/")
    stmt, make_labels, path = _kind(selection)
    labels = make_labels(stmt, base_url)
    sheet = LAYOUTS[layout]
    if margins is not None:  # left, top in mm: what a given printer needs
        sheet = replace(sheet, margin_left=margins[0], margin_top=margins[1])
    note = note.replace("{url}", f"{base_url}/{path}/…")
    return render_sheet(
        labels, out, layout=sheet, fonts=fonts, code128=code128, note=note, title=title
    )


def print_reserved_codes(
    count: int,
    out: BinaryIO,
    *,
    base_url: str,
    layout: str,
    fonts: Fonts,
    code128: bool = False,
    note: str = "",
) -> tuple[str, str]:
    """Reserve `count` new tree codes and print their tags; scanning one before it is used
    offers to tag a new tree with it. Returns the first and last code."""
    first = reserve_tree_codes(count)
    db.session.commit()
    numbers = range(first, first + count)
    base_url = base_url.rstrip("/")
    tags = (
        Label(codes.encode(n), f"{base_url}/t/{codes.encode(n)}", ("SmartTrees",)) for n in numbers
    )
    note = note.replace("{url}", f"{base_url}/t/…")
    render_sheet(tags, out, layout=LAYOUTS[layout], fonts=fonts, code128=code128, note=note)
    return codes.encode(numbers[0]), codes.encode(numbers[-1])
