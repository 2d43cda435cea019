"""One Markdown parser gives the outline: the app's reading pane and `reader show --json` agree."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from support.library import run_cli

from reader.models import ArticleDraft
from reader.store import Library
from reader.text.outline import headings
from reader.ui.layout import ArticleView, build_page

BODY = """标题一
===

第一段。

## 二

第二段，`代码`。

标题三
---

```
# 不是标题
```

### 四 *强调* 与 [链接](https://example.org/x)
"""


def test_setext_and_atx_headings_are_found_and_code_is_skipped() -> None:
    found = [(h.level, h.text) for h in headings(BODY)]
    assert found == [(1, "标题一"), (2, "二"), (2, "标题三"), (3, "四 强调 与 链接")]


def test_the_app_outline_and_show_json_list_the_same_headings(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    with Library(db_path) as lib:
        lib.save([ArticleDraft(title="大纲", body=BODY, published=datetime(2024, 5, 1, 8, 0))])
        [summary] = lib.page().items
        article = lib.get(summary.id)
    assert article is not None
    in_app = [text for _, _, text in build_page(ArticleView(article)).headings]
    code, out, _ = run_cli(
        ["show", "--db", str(db_path), "--json", "--no-count", str(article.id)], capsys
    )
    assert code == 0
    assert json.loads(out)["headings"] == in_app == [h.text for h in headings(BODY)]
    assert len(in_app) == 4
