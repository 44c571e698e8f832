"""Inspection photos: checked, turned upright from their EXIF orientation, resized, stored.

Pure: takes a stream and a directory, touches neither Flask nor the database.
"""

import io
import os
import uuid
from datetime import date
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600  # pixels on the long side, plenty to read a trunk's bark and a tag
QUALITY = 82
MAX_PIXELS = 60_000_000  # a 60-megapixel photo is a phone's; more is a decompression bomb


class NotAPhoto(ValueError):
    """The upload is not an image the server can read."""


class PhotoNotStored(OSError):
    """The photo could not be written whole (a full disk): nothing of it is left."""


def store_photo(stream: BinaryIO, directory: Path) -> str:
    """Save an upright, resized JPEG under directory/yyyy/mm/; return its relative path."""
    try:
        with Image.open(stream) as image:
            if image.width * image.height > MAX_PIXELS:
                raise NotAPhoto("too many pixels")
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise NotAPhoto(str(error)) from error
    upright = upright.convert("RGB")
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    encoded = io.BytesIO()
    upright.save(encoded, "JPEG", quality=QUALITY, optimize=True)
    today = date.today()
    relative = Path(f"{today:%Y}") / f"{today:%m}" / f"{uuid.uuid4().hex}.jpg"
    _write_whole(directory / relative, encoded.getvalue())
    return relative.as_posix()


def _write_whole(target: Path, data: bytes) -> None:
    """Write to a side file, flushed to the disk, then put in place: a full disk leaves no
    truncated photo behind (it did, and the sync said the photo was saved)."""
    partial = target.with_suffix(".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise PhotoNotStored(str(error)) from error
