"""Image renditions: resized WebP/AVIF copies for `srcset`, made by the task worker.

Pages never resize images: a request that had to would be slow exactly when a story
breaks. Until the worker has run, templates fall back to the original file.
"""

from __future__ import annotations

import hashlib
import io

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageOps, features

from pagecache.generation import bump_now

from .models import Image, ImageRendition

RENDITION_WIDTHS = (480, 960, 1600)
QUALITY = {"webp": 80, "avif": 60, "jpeg": 82}


def rendition_formats() -> list[str]:
    """AVIF when this Pillow can write it, then WebP; JPEG as the universal fallback."""
    formats = ["avif"] if features.check("avif") else []
    return [*formats, "webp", "jpeg"]


def image_generate_renditions(*, image: Image) -> list[ImageRendition]:
    """Make every missing rendition no wider than the original; idempotent."""
    existing = set(image.renditions.values_list("width", "format"))
    with image.file.open("rb") as handle:
        source = ImageOps.exif_transpose(PILImage.open(handle))
        source.load()
    if source.mode not in ("RGB", "RGBA"):
        source = source.convert("RGBA" if "transparency" in source.info else "RGB")
    widths = [w for w in RENDITION_WIDTHS if w < source.width] or [source.width]
    made = []
    for fmt in rendition_formats():
        for width in widths:
            if (width, fmt) in existing:
                continue
            height = round(source.height * width / source.width)
            resized = source.resize((width, height), PILImage.Resampling.LANCZOS)
            if fmt == "jpeg" and resized.mode == "RGBA":
                resized = resized.convert("RGB")
            buffer = io.BytesIO()
            resized.save(buffer, format=fmt.upper(), quality=QUALITY[fmt])
            rendition = ImageRendition(image=image, width=width, format=fmt)
            # Named by content: the front server caches renditions as immutable.
            digest = hashlib.sha256(buffer.getvalue()).hexdigest()[:16]
            rendition.file.save(
                f"{image.pk}-{width}-{digest}.{fmt}", ContentFile(buffer.getvalue()), save=False
            )
            with transaction.atomic():
                rendition.save()
            made.append(rendition)
    if made:
        bump_now()  # pages can now offer srcset
    return made


def image_saved(*, image: Image) -> None:
    """After an image is saved: (re)make its renditions in the background."""
    from .tasks import generate_image_renditions

    pk = image.pk
    image.renditions.all().delete()
    transaction.on_commit(lambda: generate_image_renditions.enqueue(image_id=pk))


def srcset(image: Image, fmt: str) -> str:
    """`srcset` value for one format, from renditions already prefetched."""
    return ", ".join(f"{r.file.url} {r.width}w" for r in image.renditions.all() if r.format == fmt)
