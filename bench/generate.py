"""A deterministic synthetic library: Chinese-like articles in a three-level category tree.

The text is drawn from a vocabulary of common 1-4 character words with Zipf frequencies, with
punctuation, paragraphs, question-style `## ...？` headings and some English mixed in. Bodies are
2-8 KB of UTF-8 (mean about 5 KB). About 300 categories in three levels have skewed sizes, with
one very large top-level category. Publication times are spread over years, independent of the
article's position, and views follow a heavy-tailed distribution.

Articles are generated in blocks of `BLOCK` with a random source seeded by (seed, block), so the
output depends only on the seed and the article's number: the first 10k articles of a 1M library
are the 10k library, and blocks can be written in parallel.

    python -m bench.generate --count 100000 --out DIR [--per-file 10000] [--seed 1] [--jobs 2]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1
"""Bumped whenever the output for a given seed changes (cached libraries are keyed on it)."""

BLOCK = 10_000
"""Articles per independently seeded block."""

MIN_BODY = 2_100
MAX_BODY = 8_000
"""Body size bounds in UTF-8 bytes (inside 2-8 KB whether a KB is 1,000 or 1,024 bytes)."""

_SENTENCES = 100_000
_HEADINGS = 5_000
_MAX_SENTENCE = 190
_EPOCH = datetime(2014, 1, 1)
_SPAN_S = int((datetime(2025, 10, 31) - _EPOCH).total_seconds())

_CHARS = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家"
    "学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经"
    "头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者"
    "向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气"
    "信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活"
    "难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清"
    "物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功"
    "指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强"
    "步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版"
    "双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志"
    "飞观争究包组造落视济喜离虽坏兴切"
)
_WORDS = (
    "的 了 是 在 和 有 也 就 不 都 这 我们 他们 一个 没有 中国 发展 问题 经济 社会 工作 国家"
    " 时候 已经 可以 因为 所以 但是 如果 自己 什么 现在 研究 技术 市场 企业 政府 人工智能 数据"
    " 网络 科学 教育 文化 历史 世界 美国 日本 北京 上海 公司 产品 服务 管理 系统 信息 生活 健康"
    " 城市 环境 能源 安全 政策 国际 合作 投资 增长 影响 方面 过程 情况 需要 认为 表示 通过 进行"
    " 提高 重要 主要 一些 这些 不同 之间 其中 目前 今年 去年 专家 学生 老师 孩子 家庭 医生 医院"
    " 疫苗 手机 电脑 软件 算法 模型 芯片 汽车 新能源 电池 房价 股市 银行 利率 通胀 消费者 就业"
    " 人口 老龄化 气候 变化 碳排放 可持续 创新 改革 开放 传统 现代 未来 文明 哲学 艺术 音乐 电影"
    " 小说 作者 读者 故事 语言 思想 理论 实践 方法 结果 原因 意义 价值 标准 规则 法律 权利 自由"
    " 选举 总统 战争 和平 军队 外交 贸易 关税 供应链 制造业 农业 粮食 旅游 体育 足球 篮球 奥运会"
    " 比赛 运动员 互联网 平台 用户 隐私 监管 大学 博士 论文 实验 宇宙 地球 海洋 动物 植物 基因"
    " 蛋白质 病毒 细胞 大脑 记忆 睡眠 饮食 咖啡 茶 城市化 乡村 工厂 工人 工资 房子 租金 地铁 高铁"
)
_ENGLISH = (  # noqa: SIM905 - one compact string reads better than a 70-line list
    "AI|GPU|Python|open source|machine learning|deep learning|ChatGPT|iPhone|Tesla|startup|"
    "benchmark|cloud computing|API|Linux|SQLite|big data|blockchain|The New York Times|Wall Street|"
    "Silicon Valley|Federal Reserve|GDP|CEO|IPO|5G|OpenAI|Google|Apple|Microsoft|Amazon|Netflix|"
    "Nvidia|Bitcoin|COVID-19|WHO|NASA|Harvard|MIT|Stanford|podcast|newsletter|remote work|"
    "supply chain|soft power|deepfake|privacy|user experience|large language model|transformer|"
    "meme|KPI|ESG|work-life balance|data center|smartphone|e-commerce|TikTok|YouTube|Twitter|"
    "the Economist|Financial Times|Nature|Science|peer review|inflation|interest rate|"
    "electric vehicle|quantum computing|climate change|net zero|fintech|venture capital"
).split("|")
_TOP = "国际 国内 科技 财经 社会 文化 健康 教育 历史 体育 旅游 军事".split()  # noqa: SIM905
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
_ENGLISH_NAMES = "John Smith|Mary Chen|David Lee|Anna Wang|Peter Zhang|Lucy Liu|Tom Brown|Emma Wu"
_HEADING_FORMS = (  # noqa: SIM905
    "为什么{a}{b}？|{a}是什么？|如何{a}{b}？|{a}怎么办？|{a}会{b}吗？|{a}还是{b}？|"
    "{a}意味着什么？|谁在{a}？|{a}的未来在哪里？|{a}和{b}有什么关系？|{a}为何{b}？|{e}是什么？"
).split("|")
_END = ("。",) * 16 + ("！", "？", "？", "；", "……")


@dataclass(frozen=True)
class Model:
    """Everything drawn once per seed: pools of text, names and the category tree."""

    sentences: tuple[str, ...]
    headings: tuple[str, ...]
    words: tuple[str, ...]
    word_weights: tuple[float, ...]
    authors: tuple[str, ...]
    author_weights: tuple[float, ...]
    tags: tuple[str, ...]
    tag_weights: tuple[float, ...]
    categories: tuple[tuple[str, ...], ...]
    category_weights: tuple[float, ...]


def _zipf(n: int, s: float = 1.0) -> list[float]:
    """Cumulative Zipf weights for ranks 1..n (for `random.choices(cum_weights=...)`)."""
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def _vocabulary(rng: random.Random, size: int = 8_000) -> list[str]:
    """Real common words first, then made-up words of 1-4 common characters."""
    chars = list(dict.fromkeys(_CHARS))
    char_weights = _zipf(len(chars), 0.8)
    words = list(dict.fromkeys(_WORDS.split()))
    seen = set(words)
    while len(words) < size:
        length = rng.choices((1, 2, 3, 4), cum_weights=(12, 70, 88, 100))[0]
        word = "".join(rng.choices(chars, cum_weights=char_weights, k=length))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _phrase(rng: random.Random, words: Sequence[str], cum: Sequence[float], n: int) -> str:
    return "".join(rng.choices(words, cum_weights=cum, k=n))


def _sentence(rng: random.Random, words: Sequence[str], cum: Sequence[float]) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(2, 4)):
        clause = rng.choices(words, cum_weights=cum, k=rng.randint(3, 8))
        if rng.random() < 0.08:
            clause.insert(rng.randrange(len(clause) + 1), f" {rng.choice(_ENGLISH)} ")
        elif rng.random() < 0.05:
            clause.insert(rng.randrange(len(clause) + 1), f"“{_phrase(rng, words, cum, 2)}”")
        parts.append("".join(clause).strip())
    text = "，".join(parts) + rng.choice(_END)
    while len(text.encode()) > _MAX_SENTENCE:
        text = text[: len(text) * 3 // 4].rstrip("， ") + "。"
    return text


def _categories(
    rng: random.Random, words: Sequence[str]
) -> tuple[list[tuple[str, ...]], list[float]]:
    """About 300 categories in three levels; the first top-level one holds ~38% of articles."""
    pool = [w for w in words[300:3000] if 2 <= len(w) <= 3]
    rng.shuffle(pool)
    names = iter(pool)
    paths: list[tuple[str, ...]] = []
    weights: list[float] = []
    top_share = [0.38] + [0.62 * w for w in _shares(rng, len(_TOP) - 1)]
    for top, share in zip(_TOP, top_share, strict=True):
        paths.append((top,))
        weights.append(share * 0.03)
        seconds = rng.randint(3, 7)
        for second_share in _shares(rng, seconds):
            second = (top, next(names))
            paths.append(second)
            weights.append(share * 0.97 * second_share * 0.1)
            thirds = rng.randint(2, 6)
            for third_share in _shares(rng, thirds):
                paths.append((*second, next(names)))
                weights.append(share * 0.97 * second_share * 0.9 * third_share)
    return paths, weights


def _shares(rng: random.Random, n: int) -> list[float]:
    """n skewed shares summing to 1 (Zipf over a shuffled order)."""
    raw = [1.0 / rank for rank in range(1, n + 1)]
    rng.shuffle(raw)
    total = sum(raw)
    return [r / total for r in raw]


@cache
def model(seed: int = 1) -> Model:
    """The pools and the category tree for `seed` (built once per process, about a second)."""
    rng = random.Random(f"reader-bench:{seed}:model")
    words = _vocabulary(rng)
    cum = _zipf(len(words))
    sentences = tuple(_sentence(rng, words, cum) for _ in range(_SENTENCES))
    headings = []
    for _ in range(_HEADINGS):
        form = rng.choice(_HEADING_FORMS)
        a = _phrase(rng, words[20:], cum[: len(words) - 20], rng.randint(1, 3))
        b = _phrase(rng, words[20:], cum[: len(words) - 20], rng.randint(1, 2))
        headings.append(form.format(a=a, b=b, e=rng.choice(_ENGLISH)))
    given = list(dict.fromkeys(_CHARS[40:400]))
    authors = [
        rng.choice(_SURNAMES) + "".join(rng.choices(given, k=rng.randint(1, 2)))
        for _ in range(3_000)
    ] + _ENGLISH_NAMES.split("|")
    rng.shuffle(authors)
    tags = list(dict.fromkeys(w for w in words[30:2000] if len(w) >= 2))[:800] + _ENGLISH[:40]
    rng.shuffle(tags)
    paths, weights = _categories(rng, words)
    return Model(
        sentences=sentences,
        headings=tuple(headings),
        words=tuple(words),
        word_weights=tuple(cum),
        authors=tuple(authors),
        author_weights=tuple(_zipf(len(authors), 0.9)),
        tags=tuple(tags),
        tag_weights=tuple(_zipf(len(tags))),
        categories=tuple(paths),
        category_weights=tuple(itertools.accumulate(weights)),
    )


def _body(rng: random.Random, m: Model) -> str:
    """Markdown paragraphs and headings filling a random size between MIN_BODY and MAX_BODY."""
    target = int(rng.triangular(MIN_BODY + _MAX_SENTENCE, MAX_BODY, 4_800))
    parts: list[str] = []
    size = -2
    sentences = m.sentences
    paragraphs_left = rng.randint(1, 3)
    while True:
        if paragraphs_left == 0:
            heading = "## " + rng.choice(m.headings)
            cost = len(heading.encode()) + 2
            if size + cost + 200 > target:
                paragraphs_left = -1  # no room for a section: finish with paragraphs
            else:
                parts.append(heading)
                size += cost
                paragraphs_left = rng.randint(1, 4)
        picked = rng.choices(sentences, k=rng.randint(2, 7))
        paragraph = "".join(picked)
        cost = len(paragraph.encode()) + 2
        if size + cost > target:
            # Fill the rest with single sentences so the body lands just under the target.
            tail = ""
            for sentence in picked:
                extra = len(sentence.encode())
                if size + 2 + len(tail.encode()) + extra > target:
                    break
                tail += sentence
            if tail:
                parts.append(tail)
            break
        parts.append(paragraph)
        size += cost
        paragraphs_left -= 1
    return "\n\n".join(parts)


def _title(rng: random.Random, m: Model) -> str:
    words, cum = m.words[10:], m.word_weights[: len(m.words) - 10]
    title = _phrase(rng, words, cum, rng.randint(2, 5))
    roll = rng.random()
    if roll < 0.15:
        title += "？"
    elif roll < 0.3:
        title += "：" + _phrase(rng, words, cum, rng.randint(2, 4))
    elif roll < 0.38:
        title = f"{rng.choice(_ENGLISH)} {title}"
    return title


def _article(rng: random.Random, m: Model, number: int, seed: int) -> dict[str, Any]:
    """One article in the JSON Lines format of the command-line contract."""
    category = rng.choices(m.categories, cum_weights=m.category_weights)[0]
    published = _EPOCH + timedelta(seconds=int(_SPAN_S * rng.random() ** 0.7))
    tags = list(dict.fromkeys(rng.choices(m.tags, cum_weights=m.tag_weights, k=rng.randint(0, 5))))
    return {
        "title": _title(rng, m),
        "category": list(category),
        "published": published.isoformat(),
        "views": int(rng.lognormvariate(6.0, 1.6)),
        "url": f"https://bench.example/s{seed}/{number:08d}.html",
        "author": rng.choices(m.authors, cum_weights=m.author_weights)[0],
        "tags": tags,
        "body": _body(rng, m),
    }


def articles(count: int, seed: int = 1, start: int = 0) -> Iterator[dict[str, Any]]:
    """Articles number `start` to `start + count - 1` of the library for `seed`, as JSON dicts."""
    m = model(seed)
    end = start + count
    number = start
    while number < end:
        block = number // BLOCK
        rng = random.Random(f"reader-bench:{seed}:block:{block}")
        first = block * BLOCK
        for n in range(first, min(end, first + BLOCK)):
            article = _article(rng, m, n, seed)
            if n >= number:
                yield article
        number = min(end, first + BLOCK)


def category_paths(seed: int = 1) -> list[tuple[str, ...]]:
    """Every category path of the library for `seed`, outermost name first."""
    return list(model(seed).categories)


def _write_file(path: Path, start: int, count: int, seed: int) -> int:
    """Write one JSON Lines file; return its size in bytes."""
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as out:
        lines = (json.dumps(a, ensure_ascii=False) for a in articles(count, seed, start))
        out.write("\n".join(lines))
        out.write("\n")
    tmp.replace(path)
    return path.stat().st_size


def file_names(count: int, per_file: int) -> list[tuple[str, int, int]]:
    """(file name, first article, articles) for each file of a library of `count` articles."""
    return [
        (f"articles-{start // per_file:05d}.jsonl", start, min(per_file, count - start))
        for start in range(0, count, per_file)
    ]


def write_jsonl(
    count: int, out: str | Path, *, per_file: int = BLOCK, seed: int = 1, jobs: int = 1
) -> list[Path]:
    """Write `count` articles as JSON Lines files in `out`, `per_file` articles per file.

    Files that already exist are kept (the output is deterministic), so an interrupted run
    resumes. Returns the file paths in order.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    plan = [(folder / name, start, n) for name, start, n in file_names(count, per_file)]
    todo = [(p, s, n) for p, s, n in plan if not p.exists()]
    if jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_write_file, *zip(*todo, strict=True), itertools.repeat(seed)))
    else:
        for path, start, n in todo:
            _write_file(path, start, n, seed)
    return [p for p, _, _ in plan]


def main(argv: list[str] | None = None) -> int:
    """Command line: write a synthetic library as JSON Lines files."""
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("--count", type=int, required=True, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="folder for the .jsonl files")
    parser.add_argument("--per-file", type=int, default=BLOCK, help="articles per file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    args = parser.parse_args(argv)
    if args.count < 0 or args.per_file < 1 or args.jobs < 1:
        parser.error("--count must be >= 0, --per-file and --jobs >= 1")
    began = time.perf_counter()
    paths = write_jsonl(
        args.count, args.out, per_file=args.per_file, seed=args.seed, jobs=args.jobs
    )
    took = time.perf_counter() - began
    size = sum(p.stat().st_size for p in paths)
    print(
        f"{args.count:,} articles in {len(paths)} files, {size / 1e6:,.1f} MB, {took:.1f} s "
        f"({args.count / max(took, 1e-9):,.0f} articles/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
