"""How a PDF's table parts are made one table: the rules of `pdf._stitch` on the blocks the
page reader gives (the real layouts are golden cases; these are the cases no fixture prints)."""

from xxgk.parse.layout import Block, Piece, document
from xxgk.parse.pdf import _Part, _stitch

XS = (34.0, 102.0, 141.0, 358.0, 400.0)


def _row(page: int, *texts: str | None) -> list[Piece | None]:
    return [None if t is None else Piece(t, page) for t in texts]


def _part(page: int, rows: list[list[Piece | None]], xs=XS) -> _Part:
    return _Part(Block(rows, table=True), page, xs)


def _texts(blocks: list[Block]) -> list[str]:
    return [c.text for c in document(blocks, "pdf").cells]


def test_a_group_label_cut_by_the_page_break_is_joined():
    head = _part(3, [_row(3, "信息内容", "", "", "自然人"),
                     _row(3, "", "(四)无", "1.本机关不掌握相关政府信息", "31")])
    tail = _part(4, [_row(4, "", "法提供", "2.没有现成信息需要另行制作", "1"),
                     _row(4, "", None, "3.补正后申请内容仍不明确", "0")])
    blocks = _stitch([head, tail])  # the page number between them is dropped when the pages are read
    assert len(blocks) == 1
    texts = _texts(blocks)
    assert "(四)无法提供" in texts and "法提供" not in texts
    # the cut part's cell stays, empty: the rows keep their grid
    assert texts[texts.index("(四)无法提供"):texts.index("2.没有现成信息需要另行制作")] == ["(四)无法提供", "1.本机关不掌握相关政府信息", "31", "", ""]


def line_block(text: str, page: int) -> Block:
    return Block([[Piece(text, page)]])


def test_a_repeated_header_is_dropped_and_a_numbered_row_is_not_joined():
    header = _row(1, "信息内容", "", "", "自然人")
    head = _part(1, [header, _row(1, "", "(三)不予公开", "1.属于国家秘密", "0")])
    tail = _part(2, [_row(2, "信息内容", "", "", "自然人"), _row(2, "", "(四)无法提供", "1.本机关不掌握相关政府信息", "3")])
    texts = _texts(_stitch([head, tail]))
    assert texts.count("信息内容") == 1 and "(三)不予公开" in texts and "(四)无法提供" in texts


def test_parts_with_other_columns_or_not_on_the_next_page_stay_apart():
    head = _part(1, [_row(1, "a", "b", "c", "1")])
    assert len(_stitch([head, _part(2, [_row(2, "d", "e", "f", "2")], xs=(34.0, 200.0, 300.0))])) == 2
    assert len(_stitch([head, _part(3, [_row(3, "d", "e", "f", "2")])])) == 2
    assert len(_stitch([head, line_block("一段文字", 2), _part(2, [_row(2, "d", "e", "f", "2")])])) == 3
