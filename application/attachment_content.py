"""What an uploaded file is, told by its first bytes (never by its name or declared type), and an image made safe
to keep: decoded and encoded again without its metadata (EXIF location and camera, XMP, text chunks), turned
upright first as its EXIF orientation said. A PDF is kept as it came.

HEIC is read through pillow-heif and kept as JPEG: encoding HEVC again (x265) took minutes for a 12-megapixel photo
on the test machine -- past any request's time -- while decoding it and writing JPEG takes about a second, and no
desktop Chrome, Edge or Firefox shows HEIC anyway. Every other image keeps its format.
"""

from __future__ import annotations

import io
import warnings

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from application.errors import InvalidReference, UnsupportedContent

pillow_heif.register_heif_opener()

MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo fits; a decompression bomb does not
THUMBNAIL_SIDE = 320
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
# content type accepted → (the content type kept, Pillow's format name to write it in, how it is saved)
IMAGE_FORMATS = {
    "image/jpeg": ("image/jpeg", "JPEG", {"quality": 90}),
    "image/png": ("image/png", "PNG", {}),
    "image/webp": ("image/webp", "WEBP", {"quality": 90}),
    "image/heic": ("image/jpeg", "JPEG", {"quality": 90}),
}
PDF = "application/pdf"
KEPT_TYPES = ("image/jpeg", "image/png", "image/webp", PDF)  # what is kept, and so served
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic", PDF: "pdf"}


def sniff(data: bytes) -> str:
    """The content type the bytes themselves declare; ``UnsupportedContent`` for anything not accepted."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return PDF
    if data[4:8] == b"ftyp" and _is_heic(data):
        return "image/heic"
    raise UnsupportedContent("the file is not a JPEG, PNG, HEIC or WebP image, nor a PDF (judged by its content)")


def _is_heic(data: bytes) -> bool:
    """An ISO media file whose major brand, or one of its compatible brands, is HEIC's (not AVIF's)."""
    box_size = int.from_bytes(data[:4], "big")
    brands = data[8:12], *(data[offset : offset + 4] for offset in range(16, min(box_size, 64), 4))
    return any(brand in HEIC_BRANDS for brand in brands)


def cleaned(data: bytes, content_type: str) -> tuple[bytes, str]:
    """The bytes to keep and their content type: an image without its metadata, a PDF as it is."""
    if content_type == PDF:
        return data, PDF
    image = _opened(data)
    kept_as, fmt, options = IMAGE_FORMATS[content_type]
    bare = ImageOps.exif_transpose(image)  # a copy, upright
    if fmt == "JPEG" and bare.mode not in ("RGB", "L", "CMYK"):
        bare = bare.convert("RGB")
    # Its info (and so its EXIF, XMP and text) dropped but for what draws it: transparency and colours.
    bare.info = {key: image.info[key] for key in ("transparency", "icc_profile") if key in image.info}
    out = io.BytesIO()
    bare.save(out, format=fmt, **options, **bare.info)
    return out.getvalue(), kept_as


def thumbnail(data: bytes) -> bytes:
    """A JPEG at most ``THUMBNAIL_SIDE`` pixels on its longer side."""
    image = _opened(data)
    image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _opened(data: bytes) -> Image.Image:
    """The image decoded; one that is damaged, animated or too large is refused (422)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise InvalidReference("file", f"the image has more than {MAX_PIXELS} pixels")
            if getattr(image, "is_animated", False) and image.format != "HEIF":
                raise InvalidReference("file", "animated images are not accepted; send one frame")
            image.load()
    except InvalidReference:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise InvalidReference("file", "the image cannot be read (damaged or incomplete)") from error
    except Image.DecompressionBombWarning as error:
        raise InvalidReference("file", f"the image has more than {MAX_PIXELS} pixels") from error
    return image
