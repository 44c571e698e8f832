"""Models to JSON-ready dicts and GeoJSON features."""

from geoalchemy2.shape import to_shape
from shapely.geometry import mapping

from smarttrees.models import AdminUnit, Inspection, Species, Tree


def _num(value):
    return float(value) if value is not None else None


def species_dict(species: Species | None) -> dict | None:
    if species is None:
        return None
    return {
        "id": species.id,
        "scientific_name": species.scientific_name,
        "vi_name": species.vi_name,
        "en_name": species.en_name,
        "family": species.family,
        "wood_density": _num(species.wood_density),
    }


def commune_dict(unit: AdminUnit | None) -> dict | None:
    if unit is None:
        return None
    return {"code": unit.code, "name": unit.name, "level": unit.level.value}


def tree_feature(tree: Tree) -> dict:
    """A tree as a GeoJSON Feature; its id is the label code."""
    return {
        "type": "Feature",
        "id": tree.code,
        "geometry": mapping(to_shape(tree.geom)),
        "properties": {
            "code": tree.code,
            "category": tree.category.value,
            "species": species_dict(tree.species),
            "dbh_cm": _num(tree.dbh_cm),
            "height_m": _num(tree.height_m),
            "crown_m": _num(tree.crown_m),
            "condition": tree.condition.value if tree.condition else None,
            "planted_on": tree.planted_on.isoformat() if tree.planted_on else None,
            "commune": commune_dict(tree.commune),
            "stand_id": tree.stand_id,
            "source": tree.source,
            "external_id": tree.external_id,
            "notes": tree.notes,
            "updated_at": tree.updated_at.isoformat(),
        },
    }


def inspection_dict(inspection: Inspection) -> dict:
    return {
        "id": inspection.id,
        "inspected_at": inspection.inspected_at.isoformat(),
        "inspector": inspection.inspector.name if inspection.inspector else None,
        "dbh_cm": _num(inspection.dbh_cm),
        "height_m": _num(inspection.height_m),
        "crown_m": _num(inspection.crown_m),
        "condition": inspection.condition.value if inspection.condition else None,
        "notes": inspection.notes,
        "moved": inspection.moved,
        "location": mapping(to_shape(inspection.geom)) if inspection.geom is not None else None,
    }


def commune_feature(unit: AdminUnit, *, tree_count: int | None = None) -> dict:
    return {
        "type": "Feature",
        "id": unit.code,
        "geometry": mapping(to_shape(unit.geom)),
        "properties": dict(commune_dict(unit), area_ha=_num(unit.area_ha), trees=tree_count),
    }


def tree_card_dict(tree: Tree) -> dict:
    """The public card of a tree: what anyone may see on the map."""
    point = to_shape(tree.geom)
    last = tree.inspections[0].inspected_at.date().isoformat() if tree.inspections else None
    return {
        "code": tree.code,
        "category": tree.category.value,
        "condition": tree.condition.value if tree.condition else None,
        "species": species_dict(tree.species),
        "dbh_cm": _num(tree.dbh_cm),
        "height_m": _num(tree.height_m),
        "crown_m": _num(tree.crown_m),
        "commune": commune_dict(tree.commune),
        "last_inspection": last,
        "point": [point.x, point.y],
    }
