"""Plain-text plans: decode bytes honestly as one of the encodings Chinese plans arrive in."""

from __future__ import annotations

import codecs

from ..errors import DecodeError, UnsupportedFormat
from ..text import only_controls

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Characters that nearly every Chinese government text uses, in both scripts. A wrong
# decoding (Big5 bytes read as GB18030 or the reverse) yields rare characters instead.
_COMMON = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
    "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重"
    "新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已"
    "通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将"
    "组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研质信务单位责任牵县市省局"
    "委厅办门施推进设项保障措落实动领导监督重点方案行动碳达峰绿色低节能源环境生态发改經濟發展與為"
    "這們時來對會說個國學業產過種機關門長義開問們現實進設動領導點責單縣區廳辦農務環"
)
NUL_SHARE = 0.01  # stray NULs in GB18030/Big5 text are dropped; more than this is binary


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """Return (text, encoding name) for the bytes of a text plan.

    Tries, in order: a byte-order mark, strict UTF-8, UTF-16 without a BOM (by its NUL
    pattern), then GB18030 against Big5, keeping Big5 only when it reads clearly better.
    Bytes that decode to nothing but control characters (a file of NULs) are refused.

    >>> decode_text("牵头单位".encode("gb18030"), "x.txt")
    ('牵头单位', 'gb18030')
    """
    text, encoding = _decode(data, source)
    if only_controls(text):
        raise UnsupportedFormat(f"{source}: 是二进制数据,不是方案(只有 NUL 等控制字符);"
                                "请以 .txt、.docx 或 .pdf 给出方案")
    return text, encoding


def _decode(data: bytes, source: str) -> tuple[str, str]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name.replace("-sig", "")
            except UnicodeDecodeError as e:
                raise DecodeError(f"{source}: 以 {name} 字节顺序标记开头,但不是有效的 "
                                  f"{name} 文本(第 {e.start} 字节)") from None
    if not data.strip():
        return "", "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _guess_utf16(data)
    if utf16:
        return utf16
    if data.count(0) > len(data) * NUL_SHARE:
        raise UnsupportedFormat(f"{source}: 是二进制数据,不是文本方案"
                                "(请转换为 .txt,可读格式见 README)")
    data = data.replace(b"\x00", b"")  # GB18030 and Big5 never use a NUL in a character
    candidates = []
    for name in ("gb18030", "big5"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), name, text))
    if not candidates:
        raise DecodeError(f"{source}: 不是 UTF-8、UTF-16、GB18030 或 Big5 文本;"
                          "请另存为 UTF-8 后重试")
    # Prefer GB18030 (first) unless Big5 reads clearly better.
    best = candidates[0]
    for cand in candidates[1:]:
        if cand[0] > best[0] + 0.15:
            best = cand
    if best[0] < 0.2:
        raise DecodeError(f"{source}: 按 {best[1]} 解码也只得到乱码;"
                          "请另存为 UTF-8 后重试")
    return best[2], best[1]


def _guess_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: many NULs at even (BE) or odd (LE) offsets for ASCII text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    half = len(data) // 2
    for name, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros > half * 0.2:
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                return None
    # CJK-only UTF-16 has few NULs; accept it if it decodes to mostly common characters.
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausibility(text) > 0.3:
            return text, name
    return None


def _plausibility(text: str) -> float:
    """Share of CJK characters that are common ones (0..1); 1.0 for text without CJK."""
    cjk = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return 1.0 if text.isascii() else 0.0
    return sum(ch in _COMMON for ch in cjk) / len(cjk)
