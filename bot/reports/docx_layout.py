"""The page furniture every Word document of the team shares, laid out as Decree 30/2020/NĐ-CP asks.

Offices print, stamp and file these documents, so they must look like any other administrative document:
A4, Times New Roman, the issuer and the national motto side by side at the top, signature blocks at the
bottom. Keeping that here means the record (biên bản) and the round's report cannot drift apart.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeAlias

import docx
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from PIL import Image

from bot.events import clean_text
from bot.images import downscaled
from bot.texts.formats import VIETNAM

FONT = "Times New Roman"
BODY_SIZE = Pt(13)
SMALL_SIZE = Pt(11)
# Word's spell checker and hyphenation follow the language of the text; without it every word is underlined.
LANGUAGE = "vi-VN"
PROPERTY_MAX = 255
# Word shows what a theme font maps to, not Times New Roman, as long as any of these stays on a style.
THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
STYLES_IN_USE = ("Normal", "Heading 1", "Heading 2", "Table Grid", "Header")
# A4 is 210 mm wide; 30 mm and 15 mm margins leave 165 mm, split for the header and the signatures.
TEXT_WIDTH = Mm(165)
HEADER_COLUMNS = (Mm(62), Mm(103))
SIGNATURE_COLUMNS = (Mm(82.5), Mm(82.5))
PHOTO_MAX_PX = 1000
CLOSING_MARKS = (".", ";", "!", "?", "…", ":")
# Two photos with their captions fill a page, the appendix's first one too under its heading.
PHOTO_WIDTH = Cm(11.5)
PHOTO_MAX_HEIGHT = Cm(8.6)

Container: TypeAlias = Document | _Cell


@dataclass(frozen=True)
class Line:
    """One centred line of the header or a signature block, formatted as the decree prescribes."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    size: Length | None = None
    left: bool = False


@dataclass(frozen=True)
class Signature:
    """Who signs: the title printed above the signature, and the name under it when the bot knows it."""

    title: str
    name: str | None = None


def new_document(title: str, author: str, created: datetime, subject: str = "") -> Document:
    """A blank A4 document whose styles already carry the decree's font, size, margins and language, with
    the page numbers the decree places at the top from page 2, and properties that name it."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _use_times_new_roman(document)
    _speak_vietnamese(document)
    _describe(document, title, author, created, subject)
    _number_pages(document)
    return document


def _describe(document: Document, title: str, author: str, created: datetime, subject: str) -> None:
    """File > Properties as a clerk filing the document expects it: what it is and who issued it, not
    python-docx's template (its 2013 date, its comment, its thumbnail of an empty page)."""
    properties = document.core_properties
    properties.title, properties.subject = _property(title), _property(subject)
    properties.author = properties.last_modified_by = _property(author)
    properties.comments = properties.keywords = properties.category = ""
    properties.revision = 1
    # Word stores these in UTC and labels them so; python-docx writes the clock digits as given.
    properties.created = properties.modified = created.astimezone(UTC)
    package = document.part.package
    for key, relation in list(package.rels.items()):
        if relation.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            package.rels.pop(key)


def _property(text: str) -> str:
    """A core property holds 255 characters at most; a unit's name may take 200 of them."""
    clean = clean_text(text)
    return clean if len(clean) <= PROPERTY_MAX else clean[: PROPERTY_MAX - 1] + "…"


def _speak_vietnamese(document: Document) -> None:
    """The language of every run, set once on the defaults and on the styles in use."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    targets = [document.styles[name].element.get_or_add_rPr() for name in STYLES_IN_USE]
    if defaults is not None:
        targets += list(defaults.iter(qn("w:rPr")))
    for properties in targets:
        language = properties.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            properties.append(language)
        language.set(qn("w:val"), LANGUAGE)


def _number_pages(document: Document) -> None:
    """Decree 30: the page number centred in the top margin, from the second page on."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_field(paragraph, "PAGE", "")


def add_field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A field Word and LibreOffice work out as they lay the pages out (PAGE, NUMPAGES); `shown` is what a
    reader that does not compute fields displays."""
    _field_mark(paragraph, "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    _field_mark(paragraph, "separate")
    paragraph.add_run(shown)
    _field_mark(paragraph, "end")


def _field_mark(paragraph: Paragraph, kind: str) -> None:
    mark = OxmlElement("w:fldChar")
    mark.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(mark)


def _use_times_new_roman(document: Document) -> None:
    """Sets the font on the defaults and on every style used, all four script slots, so that Word neither
    falls back to the theme font nor substitutes another one for Vietnamese letters."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for fonts in defaults.iter(qn("w:rFonts")):
            _name_all_slots(fonts)
    for name in STYLES_IN_USE:
        style = document.styles[name]
        _name_all_slots(style.element.get_or_add_rPr().get_or_add_rFonts())
        style.font.size = BODY_SIZE
        style.font.color.rgb = RGBColor(0, 0, 0)
    normal_format = document.styles["Normal"].paragraph_format
    normal_format.space_before, normal_format.space_after, normal_format.line_spacing = Pt(3), Pt(3), 1.1
    for level in ("Heading 1", "Heading 2"):
        heading = document.styles[level].paragraph_format
        heading.space_before, heading.space_after = Pt(6), Pt(3)


def _name_all_slots(fonts: BaseOxmlElement) -> None:
    for attribute in THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)


def vietnam(moment: datetime) -> datetime:
    """Times are stored in UTC; a document states the time on the wall where it was signed."""
    return moment.astimezone(VIETNAM)


def dated_line(place: str, day: date) -> str:
    """'Thái Nguyên, ngày 05 tháng 02 năm 2026': the decree pads days below 10 and months below 3 only."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def add_header_block(document: Document, issuer: str, number_suffix: str, place: str, day: date) -> None:
    """The two-column block over the title: issuer and number on the left, the national motto and the
    place and date on the right, in a borderless table so both sides stay level in any word processor."""
    table = _borderless_table(document, rows=2, widths=HEADER_COLUMNS)
    left, right = table.cell(0, 0), table.cell(0, 1)
    write_lines(left, [Line(issuer.upper()), Line("ĐOÀN KIỂM TRA", bold=True)])
    _add_rule(left)
    write_lines(
        right,
        [
            Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=Pt(12)),
            Line("Độc lập - Tự do - Hạnh phúc", bold=True, underline=True),
        ],
    )
    write_lines(table.cell(1, 0), [Line(f"Số: …/{number_suffix}")])
    write_lines(table.cell(1, 1), [Line(dated_line(place, day), italic=True)])


def _add_rule(cell: _Cell) -> None:
    """The short line under the issuer: a bottom border on an empty paragraph indented from both sides,
    about a third of the column wide."""
    paragraph = cell.add_paragraph()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    # Added before spacing and indents, which the schema orders after the border.
    paragraph._p.get_or_add_pPr().append(border)
    paragraph_format = paragraph.paragraph_format
    paragraph_format.left_indent = paragraph_format.right_indent = Mm(20)
    paragraph_format.space_before = paragraph_format.space_after = Pt(0)
    paragraph_format.line_spacing = Pt(2)


def add_title(document: Document, title: str, subject_lines: list[str]) -> None:
    """The document kind in bold capitals, centred, with its subject (trích yếu) under it."""
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_before = Pt(18)
    run = add_run(heading, title)
    run.bold, run.font.size = True, Pt(14)
    for text in subject_lines:
        add_paragraph(document, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    document.add_paragraph()


def add_basis(document: Document, lines: list[str]) -> None:
    """ "Căn cứ …" before the body, one paragraph per decision or plan; without any, a line of dots to
    write it in, since a record with no basis cannot be filed."""
    if not lines:
        add_fill_line(document, "Căn cứ ", end=".", indent=Cm(1))
    for index, line in enumerate(lines):
        add_body(document, f"Căn cứ {line}{'.' if index == len(lines) - 1 else ';'}")


def add_heading(document: Document, text: str, level: int = 1) -> Paragraph:
    """Section headings use Word's heading styles (restyled to the body font) so the navigation pane
    and a table of contents work."""
    return document.add_paragraph(clean_text(text), style=f"Heading {level}")


def add_paragraph(
    container: Container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> Paragraph:
    """Text typed by users goes in as plain runs (see `add_run`)."""
    paragraph = container.add_paragraph()
    run = add_run(paragraph, text)
    run.bold, run.italic = bold or None, italic or None
    paragraph.alignment = align
    return paragraph


def add_run(paragraph: Paragraph, text: str) -> Run:
    """Every piece of text reaches the document here. python-docx escapes it for XML, so nothing is
    escaped here; what XML cannot hold at all (a control character already stored before intake cleaned
    them) is dropped, or python-docx would refuse the whole document."""
    return paragraph.add_run(clean_text(text))


def add_aside(paragraph: Paragraph, text: str) -> Run:
    """Printed small and in italics: a reference beside the text (a criterion's number, its legal
    basis), which the eye can skip."""
    run = add_run(paragraph, text)
    run.italic, run.font.size = True, SMALL_SIZE
    return run


def add_cell_aside(cell: _Cell, text: str) -> Paragraph:
    """A line under a cell's text, as `add_aside` prints it, spaced like the grid's own lines."""
    paragraph: Paragraph = cell.add_paragraph()
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
    add_aside(paragraph, text)
    return paragraph


def add_body(document: Document, text: str) -> Paragraph:
    """A running-text paragraph: justified, first line indented, as in any administrative document."""
    paragraph = add_paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = Cm(1)
    return paragraph


def add_item(document: Document, text: str) -> Paragraph:
    """A listed point, '- ' led like the lists in official documents rather than Word's bullets."""
    paragraph = add_paragraph(document, f"- {text}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = Cm(1)
    return paragraph


def add_list(container: Document, lines: Sequence[str]) -> None:
    """Points of one list end in ';' and the last in '.', as lists in official documents do; a point
    typed with its own closing mark keeps it, since what people typed is printed as typed."""
    for index, line in enumerate(lines):
        text = line.rstrip()
        if not text.endswith(CLOSING_MARKS):
            text += "." if index == len(lines) - 1 else ";"
        add_item(container, text)


def add_signatures(document: Document, closing: Paragraph, left: Signature | list[Line], right: Signature) -> Table:
    """Signature blocks side by side, kept on the page of `closing`, the paragraph before them: the row
    never splits, and every paragraph from `closing` to the last line of the row keeps with the next, so
    the signatures never stand on a page of their own. `left` may be other lines (the round report's
    "Nơi nhận")."""
    closing.paragraph_format.keep_with_next = closing.paragraph_format.keep_together = True
    table = _borderless_table(document, rows=1, widths=SIGNATURE_COLUMNS)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    write_lines(table.cell(0, 0), _signature_lines(left) if isinstance(left, Signature) else left)
    write_lines(table.cell(0, 1), _signature_lines(right))
    for cell in table.rows[0].cells:
        cell.paragraphs[0].paragraph_format.space_before = Pt(9)
        for paragraph in cell.paragraphs[:-1]:
            paragraph.paragraph_format.keep_with_next = True
    return table


def _signature_lines(signature: Signature) -> list[Line]:
    lines = [Line(signature.title, bold=True), Line("(Ký, ghi rõ họ tên)", italic=True)]
    lines += [Line("")] * 4
    if signature.name:
        lines.append(Line(signature.name, bold=True))
    return lines


def add_fill_line(container: Container, lead: str = "", *, end: str = "", indent: Length | None = None) -> Paragraph:
    """`lead` then dots to the right margin, for what is written in by hand at signing: a right-aligned
    tab with a dotted leader, so the dots fill the line and never wrap; `end` closes it at the margin."""
    paragraph = add_paragraph(container, lead)
    paragraph.paragraph_format.first_line_indent = indent
    paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    paragraph.add_run("\t" + end)
    return paragraph


def add_person_blank(container: Container, lead: str, second: str) -> Paragraph:
    """'- Ông/Bà: ……… Chức vụ: ………' on one line whatever the font: both gaps are dotted tabs, the second
    ending at the right margin, so 'Chức vụ' can never wrap back under the margin."""
    paragraph = add_paragraph(container, lead)
    paragraph.paragraph_format.first_line_indent = Cm(1)
    stops = paragraph.paragraph_format.tab_stops
    stops.add_tab_stop(Mm(92), WD_TAB_ALIGNMENT.LEFT, WD_TAB_LEADER.DOTS)
    stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    paragraph.add_run(f"\t {second}\t")
    return paragraph


def _borderless_table(document: Document, rows: int, widths: tuple[Length, ...]) -> Table:
    """A layout grid: the default table style draws no borders. Widths go on the grid and on every cell
    because Word reads the cells and LibreOffice the grid."""
    table: Table = document.add_table(rows=rows, cols=len(widths))
    set_column_widths(table, widths)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    return table


def set_column_widths(table: Table, widths: tuple[Length, ...]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def add_grid(
    document: Document,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: tuple[Length, ...],
    size: Length | None = None,
) -> Table:
    """A ruled table with a bold header row that Word repeats on every page the table runs onto."""
    table: Table = document.add_table(rows=1 + len(rows), cols=len(header), style="Table Grid")
    set_column_widths(table, widths)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for row in table.rows:  # a row torn across two pages leaves its criterion and its result apart
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for index, (row, texts) in enumerate(zip(table.rows, [header, *rows], strict=True)):
        for cell, text in zip(row.cells, texts, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
            run = add_run(paragraph, text)
            run.bold = index == 0 or None
            if size is not None:
                run.font.size = size
            if index == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return table


def write_lines(cell: _Cell, lines: list[Line]) -> None:
    """Fills the cell's own first paragraph before adding more, so no stray blank line opens the cell."""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 and not cell.paragraphs[0].text else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if line.left else WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
        run = add_run(paragraph, line.text)
        # Only what is switched on is written, so the run follows its style otherwise.
        run.bold, run.italic, run.underline = line.bold or None, line.italic or None, line.underline or None
        if line.size is not None:
            run.font.size = line.size


def shade(cell: _Cell, fill: str) -> None:
    """Background colour of a table cell, as a hex RGB string."""
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    properties = cell._tc.get_or_add_tcPr()
    properties.insert_element_before(
        shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )


def add_page_break(document: Document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


class PhotoSpool:
    """Keeps a document's photos on disk rather than in memory until the document is written.

    python-docx holds every picture's bytes in memory until `save`, so a record with hundreds of photos
    would grow with each one. Here the document carries a stand-in of a few hundred bytes per photo
    (a JPEG header with the photo's size in pixels, which is all python-docx reads), and the downscaled
    photo waits in `folder`; `save` writes the .docx with each stand-in swapped for its file, one at a time.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[str, Path] = {}  # zip member name -> downscaled JPEG on disk

    def add(self, document: Document, path: Path) -> bool:
        """Adds the photo, shrunk for print and kept on the page of its caption; False when the file
        cannot be read, so the caller can say so in the document instead of failing the whole document."""
        try:
            picture = downscaled(path, PHOTO_MAX_PX, quality=75, optimize=True)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            return False
        data, width, height = picture.data, picture.width, picture.height
        waiting = self.folder / f"photo-{len(self._files)}.jpg"
        waiting.write_bytes(data)
        stand_in = _stand_in(width, height, len(self._files))
        relation, _ = document.part.get_or_add_image(io.BytesIO(stand_in))
        self._files[document.part.related_parts[relation].partname.lstrip("/")] = waiting
        add_picture(document, stand_in, (width, height), PHOTO_WIDTH, PHOTO_MAX_HEIGHT)
        return True

    def save(self, document: Document, target: Path) -> None:
        draft = self.folder / "draft.docx"
        document.save(str(draft))
        with zipfile.ZipFile(draft) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for entry in source.infolist():
                waiting = self._files.get(entry.filename)
                if waiting is None:
                    out.writestr(entry, source.read(entry.filename))
                else:  # JPEG does not deflate; stored, it streams from disk in chunks
                    out.write(waiting, entry.filename, compress_type=zipfile.ZIP_STORED)


def _stand_in(width: int, height: int, index: int) -> bytes:
    """A JPEG header claiming `width`×`height`, made unique by a comment so python-docx, which shares one
    image part between identical pictures, gives each photo a part of its own."""
    start = _TINY_JPEG.index(b"\xff\xc0")  # start of frame: marker, length, precision, height, width
    sized = _TINY_JPEG[: start + 5] + struct.pack(">HH", height, width) + _TINY_JPEG[start + 9 :]
    comment = f"kiemtra photo {index}".encode()
    after_jfif = 4 + struct.unpack(">H", sized[4:6])[0]  # python-docx knows a JPEG by its JFIF segment first
    return sized[:after_jfif] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + sized[after_jfif:]


def _tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (8, 8)).save(buffer, "JPEG")
    return buffer.getvalue()


_TINY_JPEG = _tiny_jpeg()


def add_picture(document: Document, data: bytes, pixels: tuple[int, int], width: Length, max_height: Length) -> None:
    """A centred picture `width` wide, or `max_height` high when that is what limits it (portrait photos,
    tall charts), so it never runs off the page."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run()
    pixel_width, pixel_height = pixels
    if pixel_height * width > pixel_width * max_height:
        run.add_picture(io.BytesIO(data), height=max_height)
    else:
        run.add_picture(io.BytesIO(data), width=width)
