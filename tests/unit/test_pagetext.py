"""The page-text importer: every rule of the format, on fixtures written for these tests."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.ingest import notes
from reader.ingest.errors import ParseError
from reader.ingest.pagetext import escape_line, is_heading, parse, parse_count
from reader.models import ArticleDraft
from reader.text.outline import headings

PAGE = """当前位置:首页 > 生活 > 正文

老城区的茶馆为什么还开着?

  • 生活
  • 2023-05-06 08:15:00
  • 42

清晨六点，巷子口的茶馆已经坐满了人。老板说，这家店从他祖父那一辈就开着。

来喝茶的多半是附近的退休工人，一壶茶能坐一上午。

茶馆靠什么维持?

茶钱很便宜，真正赚钱的是中午的盖碗饭和下午的棋局。

老板并不打算涨价，他说熟客比利润重要。

随机文章
夜市里的修表摊
一条河的两岸
为什么桥边总有卖花的老人?
"""


def one(text: str | bytes, location: str = "page.txt") -> ArticleDraft:
    """Parse page text (str as UTF-8) and return its single draft."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    drafts = list(parse(data, location))
    assert len(drafts) == 1
    return drafts[0]


def page(crumb: str = "当前位置:首页 > 生活 > 正文", title: str = "标题在这里", *rest: str) -> str:
    """A small page: breadcrumb, title, then the given lines (bullets, body...)."""
    return "\n".join([crumb, "", title, "", *rest, "", "第一段正文，讲的是一件小事。", ""])


# -- the whole page ------------------------------------------------------------------------


def test_full_page() -> None:
    draft = one(PAGE)
    assert draft.title == "老城区的茶馆为什么还开着?"
    assert draft.category == ("生活",)
    assert draft.published == datetime(2023, 5, 6, 8, 15)
    assert draft.views == 42
    assert draft.tags == ()
    assert draft.guid == "" and draft.url == ""
    assert draft.related == ("夜市里的修表摊", "一条河的两岸", "为什么桥边总有卖花的老人?")
    assert draft.body == (
        "清晨六点，巷子口的茶馆已经坐满了人。老板说，这家店从他祖父那一辈就开着。\n\n"
        "来喝茶的多半是附近的退休工人，一壶茶能坐一上午。\n\n"
        "## 茶馆靠什么维持?\n\n"
        "茶钱很便宜，真正赚钱的是中午的盖碗饭和下午的棋局。\n\n"
        "老板并不打算涨价，他说熟客比利润重要。"
    )


def test_footer_titles_are_not_body() -> None:
    draft = one(PAGE)
    for title in draft.related:
        assert title not in draft.body
    assert "随机文章" not in draft.body
    assert [h.text for h in headings(draft.body)] == ["茶馆靠什么维持?"]


# -- breadcrumbs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("crumb", "category"),
    [
        ("当前位置:首页 > 生活 > 正文", ("生活",)),
        ("当前位置：首页 > 生活 > 正文", ("生活",)),
        ("当前位置:首页>生活>正文", ("生活",)),
        ("当前位置：首页＞生活＞正文", ("生活",)),
        ("您的位置：首页 » 生活 » 正文", ("生活",)),
        ("你现在的位置: 首页 › 生活 › 正文", ("生活",)),
        ("位置：首页 / 生活 / 正文", ("生活",)),
        ("You are here: Home » Life » Article", ("Life",)),
        ("YOU ARE HERE : Home > Life > Article", ("Life",)),
        ("当前位置:首页 > 国际 > 亚洲 > 正文", ("国际", "亚洲")),
        ("当前位置:首页 > 国际 > 亚洲 > 东南亚 > 正文", ("国际", "亚洲", "东南亚")),
        ("当前位置:首页 > 国际 > 亚洲", ("国际", "亚洲")),
        ("当前位置:首页 > 国际 > 标题在这里", ("国际",)),
        ("当前位置:首页 > 国际 > 标题在...", ("国际",)),
        ("当前位置:首页 » 读书笔记/札记 » 正文", ("读书笔记/札记",)),
        ("当前位置:首页", ()),
        ("当前位置:首页 > 正文", ()),
        ("首页 > 科技 > 正文", ("科技",)),
        ("Home > Tech > Article", ("Tech",)),
    ],
)
def test_breadcrumb_variants(crumb: str, category: tuple[str, ...]) -> None:
    draft = one(page(crumb))
    assert draft.title == "标题在这里"
    assert draft.category == category
    assert draft.body == "第一段正文，讲的是一件小事。"


def test_breadcrumb_label_alone_on_its_line() -> None:
    draft = one("当前位置：\n首页 > 旅行 > 正文\n\n去山里看云\n\n山里的云来得快，去得也快。\n")
    assert draft.category == ("旅行",)
    assert draft.title == "去山里看云"


def test_blank_lines_before_and_between_parts() -> None:
    text = "\n\n  \n当前位置:首页 > 旅行 > 正文\n\n\n\n去山里看云\n\n\n• 2022-02-02\n\n• 7\n\n\n正文。\n"
    draft = one(text)
    assert (draft.category, draft.title, draft.views) == (("旅行",), "去山里看云", 7)
    assert draft.published == datetime(2022, 2, 2)
    assert draft.body == "正文。"


def test_breadcrumb_category_bullet_is_not_a_tag() -> None:
    draft = one(page("当前位置:首页 > 国际 > 亚洲 > 正文", "标题在这里", "• 亚洲", "• 东盟", "• 5"))
    assert draft.category == ("国际", "亚洲")
    assert draft.tags == ("东盟",)


# -- bullets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bullet", "published"),
    [
        ("• 2024-11-13 17:49:38", datetime(2024, 11, 13, 17, 49, 38)),
        ("• 2024-11-13", datetime(2024, 11, 13)),
        ("• 2024/11/13 17:49", datetime(2024, 11, 13, 17, 49)),
        ("• 2024年11月13日 17:49", datetime(2024, 11, 13, 17, 49)),
        ("· 2024年11月13日", datetime(2024, 11, 13)),
        ("- 2024-11-13 17:49:38", datetime(2024, 11, 13, 17, 49, 38)),
        ("* 2024-11-13 17:49:38", datetime(2024, 11, 13, 17, 49, 38)),
        ("•2024-11-13", datetime(2024, 11, 13)),
        ("• 发布于 2024-11-13", datetime(2024, 11, 13)),
        ("• 发布时间：2024-11-13 08:00", datetime(2024, 11, 13, 8, 0)),
        ("• Posted on: November 13, 2024", datetime(2024, 11, 13)),
    ],
)
def test_date_bullets(bullet: str, published: datetime) -> None:
    draft = one(page("当前位置:首页 > 生活 > 正文", "标题在这里", bullet))
    assert draft.published == published
    assert draft.views is None
    assert draft.tags == ()


@pytest.mark.parametrize(
    ("bullet", "views"),
    [
        ("• 3", 3),
        ("• 1,234", 1234),
        ("• 1，234", 1234),
        ("• 12,345,678", 12345678),
        ("• 1.2万", 12000),
        ("• 3万", 30000),
        ("• 2.5k", 2500),
        ("• 356次", 356),
        ("• 356 次阅读", 356),
        ("• 1234 views", 1234),
        ("• 阅读 88", 88),
        ("• 阅读：88", 88),
        ("• 浏览(1,024)", 1024),
        ("• Views: 12", 12),
        ("• ３５", 35),
    ],
)
def test_view_bullets(bullet: str, views: int) -> None:
    draft = one(page("当前位置:首页 > 生活 > 正文", "标题在这里", "• 2024-11-13", bullet))
    assert draft.views == views
    assert draft.tags == ()


def test_missing_views_and_date() -> None:
    draft = one(page("当前位置:首页 > 生活 > 正文", "标题在这里", "• 生活"))
    assert draft.views is None
    assert draft.published is None
    assert draft.category == ("生活",)


@pytest.mark.parametrize(
    ("text", "count"),
    [("0", 0), ("1,234", 1234), ("1.2万", 12000), ("0.5万", 5000), ("1亿", 100_000_000)],
)
def test_parse_count(text: str, count: int) -> None:
    assert parse_count(text) == count


@pytest.mark.parametrize("text", ["", "abc", "1.5", "-3", "12,34", "99999999999999999", "3 apples"])
def test_parse_count_rejects(text: str) -> None:
    assert parse_count(text) is None


def test_no_breadcrumb_category_from_bullets() -> None:
    text = "茶馆的一天\n\n• 生活随笔\n• 2023-05-06\n• 城市\n• 茶\n• 9\n\n正文一段。\n"
    draft = one(text)
    assert draft.title == "茶馆的一天"
    assert draft.category == ("生活随笔",)
    assert draft.tags == ("城市", "茶")
    assert draft.views == 9


def test_no_breadcrumb_no_bullets_no_category() -> None:
    draft = one("只有标题和正文\n\n正文一段。\n\n正文第二段。\n")
    assert draft.category == ()
    assert draft.title == "只有标题和正文"
    assert draft.body == "正文一段。\n\n正文第二段。"


def test_labelled_bullets() -> None:
    text = page(
        "当前位置:首页 > 生活 > 正文",
        "标题在这里",
        "• 作者：王小明",
        "• 标签：茶, 城市、老街",
        "• 评论：5",
        "• 2023-05-06",
    )
    draft = one(text)
    assert draft.author == "王小明"
    assert draft.tags == ("茶", "城市", "老街")
    assert draft.views is None  # a comment count is not a view count
    assert draft.published == datetime(2023, 5, 6)


def test_labelled_category_bullet_without_breadcrumb() -> None:
    draft = one("茶馆的一天\n\n• 分类：生活 > 城市\n• 8\n\n正文一段。\n")
    assert draft.category == ("生活", "城市")


def test_unbulleted_metadata_line() -> None:
    draft = one(
        page("当前位置:首页 > 生活 > 正文", "标题在这里", "发布时间：2024-03-02 10:00  阅读：77次")
    )
    assert draft.published == datetime(2024, 3, 2, 10, 0)
    assert draft.views == 77
    assert draft.body == "第一段正文，讲的是一件小事。"


def test_long_dash_line_after_title_is_body() -> None:
    sentence = "- 这一行虽然以短横线开头，但它其实是正文里一段很长很长的文字，远远超过任何元数据的长度，所以不能当成标签。"
    draft = one(f"标题\n\n{sentence}\n")
    assert draft.tags == ()
    assert draft.body == "\\" + sentence


# -- body, headings and escapes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "朝鲜为何出兵?",
        "这座桥是谁修的？",
        "Why does it matter?",
        "城市、乡村和小镇有什么不同？",
        "“慢生活”真的存在吗？",
        "2024年会更好吗？",
    ],
)
def test_headings(line: str) -> None:
    assert is_heading(line)
    draft = one(page("当前位置:首页 > 生活 > 正文", "标题在这里", "• 1", "", line, "", "回答。"))
    assert f"## {line}" in draft.body.split("\n")


@pytest.mark.parametrize(
    "line",
    [
        "那么，这座桥到底是谁在什么时候出钱修起来的，又为什么一直没有人来维护和管理呢？",
        "那么,朝鲜的帮助有多大?",
        "他说：这是真的吗？",
        "真的吗？真的吗？",
        "Really. Is it?",
        "这是一个陈述句。",
        "?",
        "？？？",
    ],
)
def test_not_headings(line: str) -> None:
    assert not is_heading(line)
    draft = one(page("当前位置:首页 > 生活 > 正文", "标题在这里", "• 1", "", line, "", "回答。"))
    assert headings(draft.body) == []


def test_question_inside_a_paragraph_is_not_a_heading() -> None:
    draft = one("标题\n\n第一行是陈述。\n这一行是问题吗？\n\n下一段。\n")
    assert headings(draft.body) == []
    assert draft.body == "第一行是陈述。\n这一行是问题吗？\n\n下一段。"


def test_one_paragraph_per_line_without_blank_lines() -> None:
    draft = one("标题\n第一段。\n为什么会这样？\n第三段。\n")
    assert draft.body == "第一段。\n\n## 为什么会这样？\n\n第三段。"


def test_full_width_indent_and_spaces_are_trimmed() -> None:
    draft = one("标题\n\n\u3000\u3000缩进的第一段。  \n\n    四个空格缩进的第二段。\n")
    assert draft.body == "缩进的第一段。\n\n四个空格缩进的第二段。"


@pytest.mark.parametrize(
    ("line", "escaped"),
    [
        ("# 不是标题", "\\# 不是标题"),
        ("### 也不是", "\\### 也不是"),
        ("> 不是引用", "\\> 不是引用"),
        ("- 不是列表", "\\- 不是列表"),
        ("+ 不是列表", "\\+ 不是列表"),
        ("1. 不是编号", "1\\. 不是编号"),
        ("2) 也不是", "2\\) 也不是"),
        ("---", "\\---"),
        ("===", "\\==="),
        ("* * *", "\\* * *"),
        ("```python", "\\```python"),
        ("<div>文字</div>", "\\<div>文字</div>"),
        ("[注]: 一条说明", "\\[注]: 一条说明"),
        ("#话题 不是标题", "#话题 不是标题"),
        ("1.5倍的增长", "1.5倍的增长"),
        ("**加粗**开头", "**加粗**开头"),
        ("普通的一句话。", "普通的一句话。"),
    ],
)
def test_escape_line(line: str, escaped: str) -> None:
    assert escape_line(line) == escaped


def test_body_markup_is_escaped_and_outline_is_only_questions() -> None:
    body = [
        "# 话题一",
        "",
        "> 别人的话",
        "",
        "1. 第一点",
        "",
        "- 一个短横线",
        "",
        "它为什么会这样？",
    ]
    draft = one(page("当前位置:首页 > 生活 > 正文", "标题在这里", "• 3", "", *body))
    assert [h.text for h in headings(draft.body)] == ["它为什么会这样？"]
    assert "\\# 话题一" in draft.body
    assert "\\> 别人的话" in draft.body
    assert "1\\. 第一点" in draft.body


# -- the random-articles block -----------------------------------------------------------


@pytest.mark.parametrize(
    "marker", ["随机文章", "相关文章", "热门文章", "Random posts", "Related posts"]
)
def test_footer_markers(marker: str) -> None:
    text = (
        page("当前位置:首页 > 生活 > 正文", "标题在这里", "• 1")
        + f"\n{marker}\n另一篇文章\n第三篇\n"
    )
    draft = one(text)
    assert draft.related == ("另一篇文章", "第三篇")
    assert draft.body == "第一段正文，讲的是一件小事。"


def test_footer_marker_inside_a_sentence_is_body() -> None:
    text = "标题\n\n网站底部通常有一个随机文章的列表。\n\n随机文章这四个字在这里只是正文。\n"
    draft = one(text)
    assert draft.related == ()
    assert "随机文章的列表" in draft.body
    assert draft.body.endswith("随机文章这四个字在这里只是正文。")


def test_footer_marker_followed_by_a_paragraph_is_body() -> None:
    long = "这一段很长，" * 20 + "说明前面那个词并不是页脚，而是文章自己的小标题。"
    draft = one(f"标题\n\n开头。\n\n相关文章\n\n{long}\n")
    assert draft.related == ()
    assert "相关文章" in draft.body
    assert draft.body.endswith(long)


def test_footer_without_titles() -> None:
    draft = one("标题\n\n正文。\n\n随机文章\n")
    assert draft.body == "正文。"
    assert draft.related == ()


def test_footer_chrome_and_bullets() -> None:
    text = "标题\n\n正文。\n\n随机文章：\n当前位置:首页 > 生活 > 正文\n• 另一篇\n• 另一篇\n热门文章\n第三篇\n"
    draft = one(text)
    assert draft.body == "正文。"
    assert draft.related == ("另一篇", "第三篇")


def test_short_lines_before_footer_stay_body() -> None:
    draft = one("一首小诗\n\n春天来了\n\n花开了\n\n随机文章\n秋天的诗\n")
    assert draft.body == "春天来了\n\n花开了"
    assert draft.related == ("秋天的诗",)


# -- encodings and line ends -------------------------------------------------------------------


def test_crlf_and_cr_line_ends() -> None:
    reference = one(PAGE)
    assert one(PAGE.replace("\n", "\r\n")) == reference
    assert one(PAGE.replace("\n", "\r")) == reference


def test_utf8_bom() -> None:
    draft = one(b"\xef\xbb\xbf" + PAGE.encode("utf-8"))
    assert draft == one(PAGE)
    assert draft.category == ("生活",)


def test_gbk_bytes() -> None:
    text = PAGE.replace("老板说", "朱镕基和王喆都说")
    draft = one(text.encode("gb18030"))
    assert draft == one(text)
    assert "朱镕基和王喆" in draft.body


def test_short_gbk_text() -> None:
    """Detectors misread short GBK texts; they are still read as GB18030."""
    draft = one("短标题\n\n一句话。\n".encode("gbk"))
    assert (draft.title, draft.body) == ("短标题", "一句话。")


def test_gb18030_four_byte_character() -> None:
    text = "当前位置：首页 > 古籍 > 正文\n\n𠀀字考\n\n• 2020-01-01\n\n这个字很少见：𠀀。\n"
    data = text.encode("gb18030")
    assert data.decode("gb18030") == text
    draft = one(data)
    assert draft.title == "𠀀字考"
    assert draft.category == ("古籍",)


def test_escape_sequences_are_removed() -> None:
    draft = one("\x1b]0;pwned\x07标题\x1b[31m红\x1b[0m\n\n正文\x1b[2J。\n")
    assert draft.title == "标题红"
    assert draft.body == "正文。"


def test_english_and_mixed_scripts() -> None:
    text = (
        "You are here: Home › World › Article\n\nWhat the Ferry Captain SAW in Hạ Long Bay\n\n"
        "• World\n• November 2, 2023\n• 1,024 views\n\nThe captain, Nguyễn văn AN, told us a story.\n"
    )
    draft = one(text)
    assert draft.title == "What the Ferry Captain SAW in Hạ Long Bay"
    assert draft.category == ("World",)
    assert draft.published == datetime(2023, 11, 2)
    assert draft.views == 1024


# -- no title ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n\t\r\n\xe3\x80\x80\n", "blank"),
        ("当前位置:首页 > 生活 > 正文\n\n".encode(), "breadcrumb"),
        ("当前位置:首页 > 生活 > 正文\n• 2024-01-01\n• 3\n".encode(), "metadata"),
        (("很长的一行" * 80 + "\n\n正文。").encode(), "characters long"),
        (b"-----\n***\n", "no words"),
        (b"\x00\x01\x02binary\x00data" * 20, "binary"),
        (bytes(range(256)) * 8, "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
        (b"\x80\xff\xfe\xfd" * 200, "no recognisable title"),
        (b"\xff\xfe\xfd\x80" * 200, "no recognisable title"),
    ],
)
def test_no_title_is_a_parse_error(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        list(parse(data, "bad.txt"))
    message = str(caught.value)
    assert reason in message
    assert "\n" not in message


def test_a_few_bad_bytes_decode_with_a_warning() -> None:
    data = PAGE.encode("utf-8").replace("清晨".encode(), b"\xff\xfe")
    with notes.collect() as warnings:
        draft = one(data)
    assert draft.title == "老城区的茶馆为什么还开着?"
    assert warnings  # the doubtful decoding is reported, not hidden


# -- robustness -------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "",
        "当前位置:首页 > 生活 > 正文",
        "当前位置：",
        "首页 > 正文",
        "• 2024-11-13 17:49:38",
        "• 1.2万",
        "• 阅读：",
        "- ",
        "• ",
        "随机文章",
        "这是问题吗？",
        "# 标题",
        "1. 项",
        "\u3000\u3000",
        "\ufffd",
        "\x1b[2J",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_parse_errors(data: bytes) -> None:
    try:
        drafts = list(parse(data, "fuzz.txt"))
    except ParseError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert len(drafts) == 1 and drafts[0].title.strip()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES | st.text(max_size=60), max_size=30))
def test_arbitrary_text_raises_only_parse_errors(lines: list[str]) -> None:
    try:
        drafts = list(parse("\n".join(lines).encode("utf-8", "surrogatepass"), "fuzz.txt"))
    except ParseError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert drafts[0].title.strip()
        assert drafts[0].guid == ""


# -- through the importer --------------------------------------------------------------------


def test_import_keeps_going_after_a_file_without_title(tmp_path: Path, library: object) -> None:
    from reader.ingest.runner import import_sources

    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "pages" / "b.txt").write_bytes(b"\n \n")
    report = import_sources(library, [str(tmp_path / "pages")])  # type: ignore[arg-type]
    assert report.total("added") == 1
    [failed] = report.failed
    assert failed.location.endswith("b.txt")
    assert "no title" in failed.error


# -- the real seed page ------------------------------------------------------------------------


def _seed_folder() -> Path:
    shared = os.environ.get("READER_SHARED")
    base = Path(shared) if shared else Path(__file__).resolve().parents[2].parent / "shared"
    return base / "seed"


@pytest.mark.acceptance
def test_seed_page() -> None:
    folder = _seed_folder()
    if not folder.is_dir():
        pytest.skip(f"seed folder {folder} is absent (set READER_SHARED to the shared folder)")
    files = sorted(folder.glob("*.txt"))
    assert files, f"no .txt file in {folder}"
    data = files[0].read_bytes()
    draft = one(data, str(files[0]))
    assert draft.category == ("好文",)
    assert draft.published == datetime(2024, 11, 13, 17, 49, 38)
    assert draft.views == 3
    assert draft.title.endswith("?")
    found = headings(draft.body)
    assert len(found) >= 3
    assert all(h.level == 2 and h.text.endswith("?") for h in found)
    assert "随机文章" not in draft.body
    assert not draft.body.startswith("•")
    # The seed's block lists no titles; with some appended they go to `related`, not the body.
    extra = "\n城里最后一家书店\n河边的早市\n".encode()
    longer = one(data + extra, str(files[0]))
    assert longer.related == ("城里最后一家书店", "河边的早市")
    assert "城里最后一家书店" not in longer.body
    assert longer.body == draft.body
