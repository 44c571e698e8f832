"""Tree species: scientific, Vietnamese and English names; the Vietnamese name is not unique."""

from sqlalchemy import CheckConstraint, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from smarttrees.extensions import db


class Species(db.Model):
    __tablename__ = "species"
    __table_args__ = (
        CheckConstraint("vi_name IS NFC NORMALIZED", name="vi_name_nfc"),
        CheckConstraint("wood_density BETWEEN 0.05 AND 1.5", name="wood_density_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scientific_name: Mapped[str] = mapped_column(String(160), unique=True)
    vi_name: Mapped[str] = mapped_column(String(120))
    vi_name_folded: Mapped[str] = mapped_column(String(120), index=True)
    en_name: Mapped[str | None] = mapped_column(String(120))
    family: Mapped[str | None] = mapped_column(String(80))
    common_use: Mapped[str | None] = mapped_column(String(40))
    wood_density: Mapped[float | None] = mapped_column(Numeric(4, 3))  # g/cm³
    # Where the density comes from: "species", "genus" (mean of its species) or "default".
    wood_density_basis: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(String(300))

    @property
    def label(self) -> str:
        return f"{self.vi_name} ({self.scientific_name})"
