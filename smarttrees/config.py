"""Settings from environment variables, with safe defaults for a local installation."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def local_pgport() -> str:
    """The port of the project's own cluster: as scripts/db.sh chose it (var/pgport)."""
    if port := os.environ.get("SMARTTREES_PGPORT"):
        return port
    recorded = ROOT / "var" / "pgport"
    return recorded.read_text().strip() if recorded.exists() else "55432"


def local_database_url(name: str = "smarttrees") -> str:
    """The URL of the project's own cluster under var/ (started by scripts/db.sh)."""
    return f"postgresql://smarttrees@127.0.0.1:{local_pgport()}/{name}"


def sqlalchemy_url(url: str) -> str:
    """Turn a libpq-style URL (postgres://, postgresql://) into SQLAlchemy's psycopg2 form."""
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql"):
        parts = parts._replace(scheme="postgresql+psycopg2")
    return urlunsplit(parts)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one kept in var/ so sessions survive restarts."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = ROOT / "var" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Read once per app: each attribute is a Flask config key."""

    def __init__(self) -> None:
        self.DATABASE_URL = os.environ.get("DATABASE_URL") or local_database_url()
        self.SQLALCHEMY_DATABASE_URI = sqlalchemy_url(self.DATABASE_URL)
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 5}
        self.SECRET_KEY = _secret_key()
        # The address printed QR codes carry; unset: the address the browser used to print.
        self.BASE_URL = os.environ.get("SMARTTREES_BASE_URL", "")
        # Production settings refuse to print codes that lead to a loopback or unset address.
        self.PRODUCTION = os.environ.get("SMARTTREES_ENV", "").lower() == "production"
        self.MIGRATIONS_DIR = str(ROOT / "migrations")
        self.NODE_MODULES = str(ROOT / "node_modules")
        self.REFERENCE_DIR = str(ROOT / "data" / "reference")
        self.BABEL_DEFAULT_LOCALE = "vi"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
        self.BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "smarttrees" / "translations")
        self.LANGUAGES = ("vi", "en")
        self.PAGE_SIZE = 50
        fonts = "/usr/share/fonts/truetype/dejavu"
        self.LABEL_FONT = os.environ.get("SMARTTREES_LABEL_FONT", f"{fonts}/DejaVuSans.ttf")
        self.LABEL_FONT_BOLD = os.environ.get(
            "SMARTTREES_LABEL_FONT_BOLD", f"{fonts}/DejaVuSans-Bold.ttf"
        )
        self.LABEL_LIMIT = 20_000  # labels in one PDF
        self.PHOTO_DIR = os.environ.get("SMARTTREES_PHOTO_DIR", str(ROOT / "var" / "photos"))
        self.UPLOAD_DIR = os.environ.get("SMARTTREES_UPLOAD_DIR", str(ROOT / "var" / "uploads"))
        # Exports made in the background (a folder each: the file and its state), kept so long.
        self.EXPORT_DIR = os.environ.get("SMARTTREES_EXPORT_DIR", str(ROOT / "var" / "exports"))
        self.EXPORT_KEEP_DAYS = int(os.environ.get("SMARTTREES_EXPORT_KEEP_DAYS", "7"))
        # A selection of at most this many trees (and not the whole province) downloads at once.
        self.EXPORT_AT_ONCE = int(os.environ.get("SMARTTREES_EXPORT_AT_ONCE", "20000"))
        # Uploads larger than this are refused with 413 before they are read.
        self.MAX_CONTENT_LENGTH = int(os.environ.get("SMARTTREES_MAX_UPLOAD_MB", "200")) * 2**20
        # The read-only public map (trees, stands, communes, public tree cards) without login.
        self.PUBLIC_MAP = os.environ.get("SMARTTREES_PUBLIC_MAP", "0").lower() in ("1", "on")
        # The basemap the app serves: a PMTiles (vector or raster) or MBTiles file, the
        # province's or one `flask basemap build` made; without one, the communes are the base.
        self.BASEMAP_FILE = os.environ.get(
            "SMARTTREES_BASEMAP", str(ROOT / "var" / "basemap.pmtiles")
        )
        # Or a raster tile server of the same network ({z}/{x}/{y}), when there is no file.
        self.BASEMAP_URL = os.environ.get("SMARTTREES_BASEMAP_URL", "")
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_DURATION = 30 * 86400  # seconds: a month
        # Cookies travel only over HTTPS when the app is served over HTTPS.
        secure = self.BASE_URL.lower().startswith("https://")
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = secure
        self.WTF_CSRF_TIME_LIMIT = None
