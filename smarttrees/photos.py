"""Inspection photos: checked, turned upright from their EXIF orientation, resized, stored.

Pure: takes a stream and a directory, touches neither Flask nor the database.
"""

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
    today = date.today()
    relative = Path(f"{today:%Y}") / f"{today:%m}" / f"{uuid.uuid4().hex}.jpg"
    target = directory / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    upright.save(target, "JPEG", quality=QUALITY, optimize=True)
    return relative.as_posix()
