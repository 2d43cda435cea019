"""Every action of the app, declared once.

Each pane's `BINDINGS` is one of the tables below: a `Binding` with a stable id (users can remap
it through the keymap), a description for the footer, help and palette, and a tooltip that says
what it does. The command palette and the help screen are both generated from these tables, read
through the live widgets so remapped keys and availability (`check_action`) are what is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import Binding

from reader.text.i18n import N_, _
from reader.ui.language import NUMBERED, translated

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen


def _bind(
    key: str,
    action: str,
    description: str,
    tooltip: str,
    *,
    show: bool = True,
    key_display: str | None = None,
    number: int | None = None,
) -> Binding:
    """A binding; `description` and `tooltip` are English (the catalogue's message ids), with
    `{n}` standing for `number` where one is given."""
    if number is not None:
        for template in (description, tooltip):
            NUMBERED[template.format(n=number)] = (template, number)
        description, tooltip = description.format(n=number), tooltip.format(n=number)
    return Binding(
        key,
        action,
        description,
        show=show,
        key_display=key_display,
        tooltip=tooltip,
    )


def _ids(scope: str, bindings: list[Binding]) -> list[Binding]:
    """Give each binding the stable id `scope.action` (`reading.open_related_2`) for keymaps."""
    result = []
    for binding in bindings:
        name = binding.action.removeprefix("app.").replace("(", "_").rstrip(")")
        result.append(replace(binding, id=f"{scope}.{name}"))
    return result


APP_BINDINGS = _ids(
    "app",
    [
        _bind(
            "q", "quit", N_("Quit"), N_("Quit the reader; the category and article are remembered.")
        ),
        _bind(
            "question_mark",
            "help",
            N_("Help"),
            N_("Show every key and what it does."),
            key_display="?",
        ),
    ],
)

MAIN_BINDINGS = _ids(
    "main",
    [
        _bind("r", "random", N_("Random"), N_("Open a random article from the current category.")),
        _bind(
            "R",
            "random_all",
            N_("Random (all)"),
            N_("Open a random article from the whole library."),
            show=False,
        ),
        _bind(
            "H,alt+left",
            "back",
            N_("Back"),
            N_("Go back to the previously opened article."),
            show=False,
        ),
        _bind(
            "L,alt+right",
            "forward",
            N_("Forward"),
            N_("Go forward again in the history."),
            show=False,
        ),
        _bind("s", "star", N_("Star"), N_("Star or unstar the article.")),
        _bind("m", "toggle_read", N_("Read"), N_("Mark the article read or unread."), show=False),
        _bind(
            "A",
            "mark_many",
            N_("Mark all"),
            N_(
                "Mark read (or unread) in bulk: the category, the search results, or what is older "
                "than a date."
            ),
            show=False,
        ),
        _bind(
            "t",
            "edit_tags",
            N_("Tags"),
            N_("Add or remove the article's tags (+tag -tag, or the whole list)."),
            show=False,
        ),
        _bind("u", "unread_only", N_("Unread"), N_("Show only unread articles, or all again.")),
        _bind("S", "sort", N_("Sort"), N_("Sort the list by date, views or title (cycles).")),
        _bind(
            "y",
            "copy_link",
            N_("Copy link"),
            N_("Copy the article's web link (works over SSH)."),
            show=False,
        ),
        _bind(
            "O",
            "open_link",
            N_("Open link"),
            N_("Open the article's web link in your browser (http and https only)."),
            show=False,
        ),
        # A priority binding runs before the keys typed after it are delivered, so the box
        # has focus when they arrive; inside the box `/` is a character (see check_action).
        replace(
            _bind("slash", "search", N_("Search"), N_("Search the library."), key_display="/"),
            priority=True,
        ),
        _bind(
            "ctrl+t",
            "search_scope",
            N_("Scope"),
            N_("Search the current category or the whole library (toggles)."),
        ),
        _bind(
            "ctrl+o",
            "search_order",
            N_("Order"),
            N_("Search results newest first or best match first (toggles)."),
        ),
        _bind(
            "v",
            "select",
            N_("Select"),
            N_("Select the article under the cursor, or unselect it (d deletes the selected)."),
            show=False,
        ),
        _bind("V", "clear_selection", N_("Unselect"), N_("Unselect every article."), show=False),
        _bind(
            "d,delete",
            "delete",
            N_("Delete"),
            N_(
                "Delete the article, the selected articles, or the category under the cursor, for "
                "everyone (asks first when more than one article goes)."
            ),
            show=False,
        ),
        _bind("e", "rename", N_("Rename"), N_("Rename the category under the cursor."), show=False),
        _bind(
            "M",
            "move",
            N_("Move"),
            N_("Move the category under the cursor into another one (or to the top level)."),
            show=False,
        ),
        _bind(
            "I",
            "merge",
            N_("Merge"),
            N_("Merge the category under the cursor into another one."),
            show=False,
        ),
        _bind(
            "ctrl+z,U", "undo", N_("Undo"), N_("Take back the last change made in this session.")
        ),
        _bind(
            "ctrl+r",
            "refresh",
            N_("Refresh"),
            N_("Fetch the feeds of the category again (every feed, from All articles)."),
            show=False,
        ),
        _bind(
            "f",
            "feeds",
            N_("Feeds"),
            N_(
                "The feeds the library follows: add, remove, refresh (in the reading pane, f "
                "labels the links instead)."
            ),
            show=False,
        ),
        _bind(
            "ctrl+s",
            "save_search",
            N_("Save"),
            N_("Save this search under a name: it is listed with the views, above the categories."),
        ),
        # Priority, like `/`: a quick Esc Esc walks back two steps, not one.
        replace(
            _bind(
                "escape",
                "back_out",
                N_("Back"),
                N_("Close search, leave the reading pane or the list."),
                show=False,
            ),
            priority=True,
        ),
        _bind("tab", "app.focus_next", N_("Next pane"), N_("Move to the next pane."), show=False),
        _bind(
            "shift+tab",
            "app.focus_previous",
            N_("Previous pane"),
            N_("Move to the previous pane."),
            show=False,
        ),
    ],
)

TREE_BINDINGS = _ids(
    "tree",
    [
        _bind("down,j", "cursor_down", N_("Down"), N_("Next category."), show=False),
        _bind("up,k", "cursor_up", N_("Up"), N_("Previous category."), show=False),
        _bind("home,g", "scroll_home", N_("First"), N_("First line (Unread)."), show=False),
        _bind("end,G", "scroll_end", N_("Last"), N_("Last category."), show=False),
        _bind("pagedown,ctrl+d", "page_down", N_("Page down"), N_("Down a page."), show=False),
        _bind("pageup,ctrl+u", "page_up", N_("Page up"), N_("Up a page."), show=False),
        _bind("right,l", "expand", N_("Expand"), N_("Show the subcategories."), show=False),
        _bind(
            "left,h",
            "collapse",
            N_("Collapse"),
            N_("Hide the subcategories, or go to the parent."),
            show=False,
        ),
        _bind(
            "space", "toggle_node", N_("Toggle"), N_("Expand or collapse the category."), show=False
        ),
        _bind(
            "enter", "select_cursor", N_("Open"), N_("Show this category's articles in the list.")
        ),
        _bind("e", "rename", N_("Rename"), N_("Rename the saved search under the cursor.")),
        _bind("d,delete", "delete", N_("Delete"), N_("Delete the saved search under the cursor.")),
    ],
)

LIST_BINDINGS = _ids(
    "list",
    [
        _bind("down,j", "cursor_down", N_("Down"), N_("Next article."), show=False),
        _bind("up,k", "cursor_up", N_("Up"), N_("Previous article."), show=False),
        _bind("home,g", "first", N_("First"), N_("First article."), show=False),
        _bind("end,G", "last", N_("Last"), N_("Last article."), show=False),
        _bind("pagedown", "page_down", N_("Page down"), N_("Down a page."), show=False),
        _bind("pageup", "page_up", N_("Page up"), N_("Up a page."), show=False),
        _bind("ctrl+d", "half_down", N_("Half page down"), N_("Down half a page."), show=False),
        _bind("ctrl+u", "half_up", N_("Half page up"), N_("Up half a page."), show=False),
        _bind("enter", "open", N_("Open"), N_("Open the article in the reading pane.")),
    ],
)

READING_BINDINGS = _ids(
    "reading",
    [
        _bind("down,j", "scroll_down", N_("Down"), N_("Scroll down a line."), show=False),
        _bind("up,k", "scroll_up", N_("Up"), N_("Scroll up a line."), show=False),
        _bind("home,g", "top", N_("Top"), N_("Go to the top of the article."), show=False),
        _bind(
            "end,G", "bottom", N_("Bottom"), N_("Go to the end (the random articles)."), show=False
        ),
        _bind("pagedown,space", "page_down", N_("Page down"), N_("Down a page."), show=False),
        _bind("pageup,b", "page_up", N_("Page up"), N_("Up a page."), show=False),
        _bind("ctrl+d", "half_down", N_("Half page down"), N_("Down half a page."), show=False),
        _bind("ctrl+u", "half_up", N_("Half page up"), N_("Up half a page."), show=False),
        _bind("J", "next_article", N_("Next"), N_("Open the next article of the list.")),
        _bind("K", "previous_article", N_("Prev"), N_("Open the previous article of the list.")),
        _bind("o", "outline", N_("Outline"), N_("Jump to a section heading.")),
        _bind(
            "f",
            "hint_open",
            N_("Open a link"),
            N_(
                "Label each link on screen with letters; type a label to open that link (http "
                "and https only; copied instead on a restricted server). Esc cancels."
            ),
            show=False,
        ),
        _bind(
            "F",
            "hint_copy",
            N_("Copy a link"),
            N_(
                "Label each link on screen with letters; type a label to copy that link. "
                "Esc cancels."
            ),
            show=False,
        ),
        _bind(
            "n", "next_match", N_("Next match"), N_("Jump to the next search match."), show=False
        ),
        _bind(
            "N", "previous_match", N_("Prev match"), N_("Jump to the previous match."), show=False
        ),
        _bind(
            "right_square_bracket",
            "next_part",
            N_("Next part"),
            N_("Next part of a long article."),
            show=False,
            key_display="]",
        ),
        _bind(
            "left_square_bracket",
            "previous_part",
            N_("Prev part"),
            N_("Previous part."),
            show=False,
            key_display="[",
        ),
        *(
            _bind(
                str(n),
                f"open_related({n - 1})",
                N_("Random {n}"),
                N_("Open random article {n} from the list under the article."),
                show=False,
                number=n,
            )
            for n in range(1, 6)
        ),
        *(
            _bind(
                key,
                f"open_similar({n})",
                N_("Related {n}"),
                N_("Open related article {n} from the list under the article."),
                show=False,
                number=n + 1,
            )
            for n, key in enumerate("67890")
        ),
    ],
)

OUTLINE_BINDINGS = _ids(
    "outline",
    [_bind("escape,o,q", "close", N_("Close"), N_("Close the outline without jumping."))],
)

PROMPT_BINDINGS = _ids(
    "prompt",
    [
        _bind("enter", "submit", N_("OK"), N_("Answer with what is typed.")),
        _bind("escape", "cancel", N_("Cancel"), N_("Close the prompt without changing anything.")),
    ],
)

CONFIRM_BINDINGS = _ids(
    "confirm",
    [
        _bind("y,enter", "yes", N_("Yes"), N_("Yes, go ahead.")),
        _bind("n,escape", "no", N_("No"), N_("No, leave it as it is.")),
    ],
)

CHOOSE_BINDINGS = _ids(
    "choose",
    [_bind("escape", "cancel", N_("Cancel"), N_("Close the menu without choosing."))],
)

PICKER_BINDINGS = _ids(
    "picker",
    [
        _bind("escape", "cancel", N_("Cancel"), N_("Close the list without choosing.")),
        _bind("down", "down", N_("Down"), N_("Next category."), show=False),
        _bind("up", "up", N_("Up"), N_("Previous category."), show=False),
    ],
)

FEEDS_BINDINGS = _ids(
    "feeds",
    [
        _bind("a", "add", N_("Add"), N_("Subscribe to a feed by its address, and fetch it.")),
        _bind(
            "d,delete",
            "remove",
            N_("Remove"),
            N_("Unsubscribe from the feed under the cursor (its articles kept, or deleted too)."),
        ),
        _bind("r", "refresh", N_("Refresh"), N_("Fetch every feed again.")),
        _bind("j", "next", N_("Down"), N_("Next feed."), show=False),
        _bind("k", "previous", N_("Up"), N_("Previous feed."), show=False),
        _bind("g", "first", N_("First"), N_("First feed."), show=False),
        _bind("G", "last", N_("Last"), N_("Last feed."), show=False),
        _bind("enter", "show", N_("Show"), N_("Show the feed's articles.")),
        _bind("escape,q,f", "close", N_("Close"), N_("Back to the articles.")),
    ],
)

HELP_BINDINGS = _ids(
    "help",
    [_bind("escape,q,question_mark", "close", N_("Close"), N_("Close the help."))],
)


@dataclass(frozen=True, slots=True)
class Section:
    """A titled group of bindings for the help screen and the palette."""

    title: str
    node: DOMNode
    bindings: list[Binding]


def live_key(binding: Binding, keymap: dict[str, str]) -> str:
    """The keys a binding answers to now, after the user's keymap, as people write them."""
    keys = keymap.get(binding.id or "", binding.key)
    shown = [binding.key_display or _pretty(key) for key in keys.split(",")][:1]
    shown += [_pretty(key) for key in keys.split(",")[1:]]
    return " ".join(dict.fromkeys(shown))


def _pretty(key: str) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "right_square_bracket": "]",
        "left_square_bracket": "[",
        "escape": "Esc",
        "enter": "Enter",
        "space": "Space",
        "tab": "Tab",
        "shift+tab": "Shift+Tab",
        "pagedown": "PgDn",
        "pageup": "PgUp",
        "home": "Home",
        "end": "End",
        "down": "↓",
        "up": "↑",
        "left": "←",
        "right": "→",
    }
    if key in names:
        return names[key]
    parts = key.split("+")
    return "+".join([*(p.capitalize() for p in parts[:-1]), names.get(parts[-1], parts[-1])])


def palette_commands(app: App[Any], sections: Iterable[Section]) -> Iterator[SystemCommand]:
    """One palette command per binding whose action is available now."""
    for section in sections:
        for binding in section.bindings:
            name = binding.action.partition("(")[0]
            if name.startswith("app."):
                node: DOMNode = app
                name = name[4:]
            else:
                node = section.node
            if node.check_action(name, ()) is False:
                continue
            keys = live_key(binding, getattr(app, "keymap_overrides", {}))
            shown = translated(binding)
            yield SystemCommand(
                f"{shown.description}  ({keys})",
                f"{_(section.title)}: {shown.tooltip}",
                _runner(app, binding.action, section.node),
            )


def _runner(app: App[object], action: str, node: DOMNode) -> Callable[[], object]:
    def run() -> object:
        return app.run_action(action, node)

    return run


def screen_sections(screen: Screen[Any]) -> list[Section]:
    """The sections of the screen's panes, if it declares them (see `MainScreen.sections`)."""
    sections = getattr(screen, "sections", None)
    return list(sections()) if callable(sections) else []


def all_binding_ids() -> set[str]:
    """Every binding id a keymap may remap."""
    tables = (
        APP_BINDINGS,
        MAIN_BINDINGS,
        TREE_BINDINGS,
        LIST_BINDINGS,
        READING_BINDINGS,
        OUTLINE_BINDINGS,
        PROMPT_BINDINGS,
        CONFIRM_BINDINGS,
        CHOOSE_BINDINGS,
        PICKER_BINDINGS,
        FEEDS_BINDINGS,
        HELP_BINDINGS,
    )
    return {binding.id for table in tables for binding in table if binding.id}
