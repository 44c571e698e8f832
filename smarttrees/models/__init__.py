"""Database models, one module per aggregate. Models never commit and never build URLs."""

from smarttrees.models.audit import AuditLog
from smarttrees.models.baseline import ForestBaseline
from smarttrees.models.change import Change
from smarttrees.models.harvest import Harvest, Shipment, ShipmentItem
from smarttrees.models.import_batch import (
    ImportBatch,
    ImportRowError,
    ImportRowValues,
    ImportStatus,
    ReplacedStand,
    ReplacedTree,
    ReplacedTreeStand,
    SavedMapping,
)
from smarttrees.models.nursery import LotEvent, LotEventKind, Nursery, Propagation, SeedlingLot
from smarttrees.models.place import AdminLevel, AdminUnit
from smarttrees.models.product import BatchOrigin, ProductBatch, ProductKind, product_lineage
from smarttrees.models.species import Species
from smarttrees.models.stand import ForestFunction, Stand
from smarttrees.models.tally import CommuneTally, LayerVersion, TileVersion, TreeCell, TreeTally
from smarttrees.models.tree import Condition, Inspection, Tree, TreeCategory
from smarttrees.models.user import ApiToken, LoginAttempt, RecoveryCode, Role, User, UserCommune

__all__ = [
    "AdminLevel",
    "AdminUnit",
    "ApiToken",
    "AuditLog",
    "BatchOrigin",
    "Change",
    "CommuneTally",
    "Condition",
    "ForestBaseline",
    "ForestFunction",
    "Harvest",
    "ImportBatch",
    "ImportRowError",
    "ImportRowValues",
    "ImportStatus",
    "Inspection",
    "LayerVersion",
    "LoginAttempt",
    "LotEvent",
    "LotEventKind",
    "Nursery",
    "ProductBatch",
    "ProductKind",
    "Propagation",
    "RecoveryCode",
    "ReplacedStand",
    "ReplacedTree",
    "ReplacedTreeStand",
    "Role",
    "SavedMapping",
    "SeedlingLot",
    "Shipment",
    "ShipmentItem",
    "Species",
    "Stand",
    "TileVersion",
    "Tree",
    "TreeCategory",
    "TreeCell",
    "TreeTally",
    "User",
    "UserCommune",
    "product_lineage",
]
