"""The reviewer's warnings about an article's text (contract section 8): W610-W613.

Personal data of pupils and teachers is protected by law (NĐ 13/2023/NĐ-CP, Luật Bảo vệ
dữ liệu cá nhân 2025) and the Sở must "bảo vệ bí mật nhà nước": these warnings point the
Văn phòng at a line to read again.  They never block (W6xx); each rule is narrow on
purpose, so that ordinary news (dates, years, scores, amounts, document numbers such as
"Số 1652/SGDĐT-VP", the unit's own phones) stays silent.  The choices, written for users
in docs/duyet-bai.md:

* digits split by spaces, dots or hyphens ("034 095 001 234", "0912.345.678") are read
  as one number;
* W610: 12 digits that begin with 0 (a CCCD begins with the code of a province,
  001-096); 9 or 12 digits only next to a word that names an ID paper ("CMND", "CCCD",
  "căn cước", "chứng minh", "định danh") otherwise, because "150.000.000 đồng" is 9 digits;
* W611: 10 digits from 03, 05, 07, 08, 09 (or +84 / 84 and 9 digits); a number that
  a unit file lists (``phone``, leaders' phones) is dropped by ``publication.check_source``;
* W612: "sinh ngày <ngày>", "ngày sinh <ngày>", "sinh năm <năm>" right after a person's
  name (two or more capitalised words: "em Nguyễn Văn An, sinh ngày 12/3/2012"), for a
  year from 1940 on; an admission plan's "trẻ sinh năm 2019", "học sinh năm 2025" and
  historic birthdays ("Chủ tịch Hồ Chí Minh sinh ngày 19/5/1890") stay silent;
* W613: "MẬT", "TỐI MẬT", "TUYỆT MẬT" in upper case as a marking: a line that is only
  the marking (with "KHẨN", "HỎA TỐC" beside it, as a document's stamp is written), or
  after "Độ mật:" in any case.  "bí mật" in a sentence, and "BÍ MẬT" in an upper-case
  title, never fire.

Called by ``article_reader.read_source`` (a pure function of the file's text, so the
result is cached with the article); the whole file is read, front matter included
(a summary can carry a phone number too).
"""

from __future__ import annotations

import re

from problems import Problem
from unit_registry import digits_of

# a run of digits, perhaps split by one space, dot or hyphen between groups; not inside a longer number,
# a date ("07/11/2022") or a decimal
_DIGITS = re.compile(r"(?<![\w/])(?<!\d[.,])(?:\+84 ?|\(\+84\) ?)?\d(?:[ .\-]?\d){8,13}(?![\w/]|[.,]\d)")
_ID_WORDS = re.compile(r"cmnd|cccd|căn cước|chứng minh|định danh|hộ chiếu", re.IGNORECASE)
_MOBILE_DIGITS = re.compile(r"^0[35789]\d{8}$")


def _date(tag: str) -> str:
    return (rf"(?:\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*(?P<{tag}a>\d{{4}})"
            rf"|\d{{1,2}}\s+tháng\s+\d{{1,2}},?\s+năm\s+(?P<{tag}b>\d{{4}}))")


_BIRTH = re.compile(r"(?<!\w)sinh\s+ngày\s*:?\s*" + _date("s") + r"|(?<!\w)ngày\s+sinh\s*:?\s*" + _date("n")
                    + r"|(?<!học )(?<!\w)sinh\s+năm\s*:?\s*(?P<y>\d{4})(?!\s*[-–]\s*\d{4})", re.IGNORECASE)
_FIRST_BIRTH_YEAR = 1940
_MARK = r"(?:TUYỆT MẬT|TỐI MẬT|MẬT)"
_URGENCY = r"(?:THƯỢNG KHẨN|KHẨN|HỎA TỐC HẸN GIỜ|HỎA TỐC)"
_STAMP_LINE = re.compile(r"^(?:(?:" + _MARK + "|" + _URGENCY + r")\s*[-–,/]?\s*)+$")
_DEGREE = re.compile(r"độ\s+mật\s*:\s*(?P<mark>tuyệt\s+mật|tối\s+mật|mật)(?!\w)", re.IGNORECASE)
_DECOR = re.compile(r"[*_#>\[\]()`~|]")
_QUICK = re.compile(r"\d{3}|MẬT|sinh|mật", re.IGNORECASE)


def text_warnings(path: str, text: str) -> list[Problem]:
    """W610-W613 of a file's text (NFC), each at its line."""
    if not _QUICK.search(text):
        return []
    problems = []
    for number, line in enumerate(text.split("\n"), 1):
        if not _QUICK.search(line):
            continue
        problems.extend(_line_warnings(path, number, line))
    return problems


def _line_warnings(path: str, number: int, line: str) -> list[Problem]:
    found = []
    names_id = _ID_WORDS.search(line) is not None
    for match in _DIGITS.finditer(line):
        hit = _number_warning(path, number, match.group(0).strip(" .-"), names_id)
        if hit is None and " " in match.group(0):  # two numbers side by side: "năm 2025 0912 345 678"
            groups = match.group(0).strip().split(" ")
            windows = sorted(((i, j) for i in range(len(groups)) for j in range(i + 1, len(groups) + 1)),
                             key=lambda w: w[0] - w[1])
            hit = next((h for i, j in windows
                        if (h := _number_warning(path, number, " ".join(groups[i:j]), names_id)) is not None), None)
        if hit is not None:
            found.append(hit)
    for match in _BIRTH.finditer(line):
        year = next(int(y) for y in match.groups() if y)
        if year >= _FIRST_BIRTH_YEAR and _name_before(line[:match.start()]):
            found.append(Problem(path, number, "W612", {"text": " ".join(match.group(0).split())}))
    bare = " ".join(_DECOR.sub(" ", line).split())
    if "MẬT" in bare and _STAMP_LINE.match(bare) and re.search(_MARK, bare):
        found.append(Problem(path, number, "W613", {"mark": re.search(_MARK, bare).group(0)}))
    else:
        degree = _DEGREE.search(line)
        if degree:
            found.append(Problem(path, number, "W613", {"mark": " ".join(degree.group("mark").split()).upper()}))
    return found


def _name_before(text: str) -> bool:
    """Whether ``text`` ends with a person's name ("em Nguyễn Văn An, ", "Lê Thị Hoa (", "Họ tên: Lê An – "):
    two or more capitalised words; "trẻ sinh năm 2019" in an admission plan names nobody."""
    words = text.rstrip(" ,;:(–-").split()
    count = 0
    for word in reversed(words[-5:]):
        word = word.strip(",;:()–-\"'")
        if not word or not word[0].isupper() or not word.isalpha():
            break
        count += 1
    return count >= 2


def _number_warning(path: str, number: int, written: str, names_id: bool) -> Problem | None:
    raw = re.sub(r"\D", "", written)
    international = written.startswith(("+84", "(+84)"))
    if (international and len(raw) == 11 and raw[2] in "35789") or (not international and _MOBILE_DIGITS.match(raw)):
        return Problem(path, number, "W611", {"number": written, "digits": digits_of(written)})
    if not international and ((len(raw) == 12 and raw.startswith("0")) or (names_id and len(raw) in (9, 12))):
        return Problem(path, number, "W610", {"number": written, "kind": "CCCD" if len(raw) == 12 else "CMND"})
    return None
