"""Library images: uploads and edits (audited, with who may edit which image) and their
renditions, resized WebP/AVIF copies for `srcset` made by the task worker.

``image_create`` and ``image_update`` are the writes of an image's file and texts;
``can_edit_image`` keeps a reporter off an image that a published (or colleague's)
article shows. Pages never resize images: a request that had to would be slow exactly
when a story breaks. Until the worker has run, templates fall back to the original
file. Which images an article shows, and their captions there, are the article's
(``workflow.article_attachments_save``).
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageOps, features

import pagecache
from audit.services import editorial_log

from .models import Article, Image, ImageRendition

RENDITION_WIDTHS = (480, 960, 1600)
IMAGE_EDITABLE_FIELDS = ("file", "alt_text", "caption", "credit")
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
    if made:  # pages can now offer srcset
        pagecache.invalidate_on_commit(f"articles-of-image:{image.pk}")
    return made


def image_saved(*, image: Image) -> None:
    """After an image is saved: (re)make its renditions in the background."""
    # Late: articles.tasks imports this module (a cycle within the app).
    from .tasks import generate_image_renditions

    pk = image.pk
    image.renditions.all().delete()
    transaction.on_commit(lambda: generate_image_renditions.enqueue(image_id=pk))


def srcset(image: Image, fmt: str) -> str:
    """`srcset` value for one format, from renditions already prefetched."""
    return ", ".join(f"{r.file.url} {r.width}w" for r in image.renditions.all() if r.format == fmt)


def can_edit_image(user: User | AnonymousUser, image: Image) -> bool:
    """Editors edit any image; reporters only their own uploads that no article beyond
    draft shows.

    An image's alt text and caption are what readers of every article using it see, so a
    reporter may not change them under an article they could not edit themselves (one
    in review, scheduled or published), nor under a colleague's upload.
    """
    if not user.has_perm("articles.change_image"):
        return False
    if user.has_perm("articles.change_others_article"):
        return True
    if image.pk is None:
        return True
    shown_beyond_draft = image.placements.exclude(article__status=Article.Status.DRAFT).exists()
    return image.uploaded_by_id == user.pk and not shown_beyond_draft


@transaction.atomic
def image_create(*, image: Image, by: User) -> Image:
    """Store a new library image uploaded by ``by``; renditions follow in the background."""
    if not by.has_perm("articles.add_image"):
        raise PermissionDenied("You may not upload images.")
    image.uploaded_by = by
    image.full_clean()
    image.save()
    editorial_log(
        actor=by, action="image.upload", target=image, payload={"alt_text": image.alt_text}
    )
    image_saved(image=image)
    return image


@transaction.atomic
def image_update(*, image: Image, changes: dict[str, Any], by: User) -> Image:
    """Change an image's file, alt text, caption or credit, with the permission checked
    and the before and after texts in the audit log."""
    unknown = set(changes) - set(IMAGE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    image = Image.objects.select_for_update().get(pk=image.pk)
    if not can_edit_image(by, image):
        raise PermissionDenied(
            "You may edit only images you uploaded that no article beyond draft shows."
        )
    texts = [name for name in changes if name != "file"]
    before = {name: getattr(image, name) for name in texts}
    for name, value in changes.items():
        setattr(image, name, value)
    image.full_clean()
    image.save()
    editorial_log(
        actor=by,
        action="image.change",
        target=image,
        payload={
            "before": before,
            "after": {name: getattr(image, name) for name in texts},
            "file_replaced": "file" in changes,
        },
    )
    if "file" in changes:
        image_saved(image=image)
    return image
