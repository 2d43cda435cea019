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
) -> Binding:
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
        _bind("q", "quit", "Quit", "Quit the reader; the category and article are remembered."),
        _bind("question_mark", "help", "Help", "Show every key and what it does.", key_display="?"),
    ],
)

MAIN_BINDINGS = _ids(
    "main",
    [
        _bind("r", "random", "Random", "Open a random article from the current category."),
        _bind(
            "R",
            "random_all",
            "Random (all)",
            "Open a random article from the whole library.",
            show=False,
        ),
        _bind(
            "H,alt+left", "back", "Back", "Go back to the previously opened article.", show=False
        ),
        _bind("L,alt+right", "forward", "Forward", "Go forward again in the history.", show=False),
        _bind("s", "star", "Star", "Star or unstar the article."),
        _bind("m", "toggle_read", "Read", "Mark the article read or unread.", show=False),
        _bind(
            "A",
            "mark_many",
            "Mark all",
            "Mark read (or unread) in bulk: the category, the search results, or what is older "
            "than a date.",
            show=False,
        ),
        _bind(
            "t",
            "edit_tags",
            "Tags",
            "Add or remove the article's tags (+tag -tag, or the whole list).",
            show=False,
        ),
        _bind("u", "unread_only", "Unread", "Show only unread articles, or all again."),
        _bind("S", "sort", "Sort", "Sort the list by date, views or title (cycles)."),
        _bind(
            "y",
            "copy_link",
            "Copy link",
            "Copy the article's web link (works over SSH).",
            show=False,
        ),
        _bind(
            "O",
            "open_link",
            "Open link",
            "Open the article's web link in your browser (http and https only).",
            show=False,
        ),
        # A priority binding runs before the keys typed after it are delivered, so the box
        # has focus when they arrive; inside the box `/` is a character (see check_action).
        replace(
            _bind("slash", "search", "Search", "Search the library.", key_display="/"),
            priority=True,
        ),
        _bind(
            "ctrl+t",
            "search_scope",
            "Scope",
            "Search the current category or the whole library (toggles).",
        ),
        _bind(
            "ctrl+o",
            "search_order",
            "Order",
            "Search results newest first or best match first (toggles).",
        ),
        _bind(
            "v",
            "select",
            "Select",
            "Select the article under the cursor, or unselect it (d deletes the selected).",
            show=False,
        ),
        _bind("V", "clear_selection", "Unselect", "Unselect every article.", show=False),
        _bind(
            "d,delete",
            "delete",
            "Delete",
            "Delete the article, the selected articles, or the category under the cursor, for "
            "everyone (asks first when more than one article goes).",
            show=False,
        ),
        _bind("e", "rename", "Rename", "Rename the category under the cursor.", show=False),
        _bind(
            "M",
            "move",
            "Move",
            "Move the category under the cursor into another one (or to the top level).",
            show=False,
        ),
        _bind(
            "I",
            "merge",
            "Merge",
            "Merge the category under the cursor into another one.",
            show=False,
        ),
        _bind("ctrl+z,U", "undo", "Undo", "Take back the last change made in this session."),
        _bind(
            "ctrl+r",
            "refresh",
            "Refresh",
            "Fetch the feeds of the category again (every feed, from All articles).",
            show=False,
        ),
        _bind(
            "f",
            "feeds",
            "Feeds",
            "The feeds the library follows: add, remove, refresh (in the reading pane, f labels "
            "the links instead).",
            show=False,
        ),
        _bind(
            "ctrl+s",
            "save_search",
            "Save",
            "Save this search under a name: it is listed with the views, above the categories.",
        ),
        # Priority, like `/`: a quick Esc Esc walks back two steps, not one.
        replace(
            _bind(
                "escape",
                "back_out",
                "Back",
                "Close search, leave the reading pane or the list.",
                show=False,
            ),
            priority=True,
        ),
        _bind("tab", "app.focus_next", "Next pane", "Move to the next pane.", show=False),
        _bind(
            "shift+tab",
            "app.focus_previous",
            "Previous pane",
            "Move to the previous pane.",
            show=False,
        ),
    ],
)

TREE_BINDINGS = _ids(
    "tree",
    [
        _bind("down,j", "cursor_down", "Down", "Next category.", show=False),
        _bind("up,k", "cursor_up", "Up", "Previous category.", show=False),
        _bind("home,g", "scroll_home", "First", "First line (Unread).", show=False),
        _bind("end,G", "scroll_end", "Last", "Last category.", show=False),
        _bind("pagedown,ctrl+d", "page_down", "Page down", "Down a page.", show=False),
        _bind("pageup,ctrl+u", "page_up", "Page up", "Up a page.", show=False),
        _bind("right,l", "expand", "Expand", "Show the subcategories.", show=False),
        _bind(
            "left,h",
            "collapse",
            "Collapse",
            "Hide the subcategories, or go to the parent.",
            show=False,
        ),
        _bind("space", "toggle_node", "Toggle", "Expand or collapse the category.", show=False),
        _bind("enter", "select_cursor", "Open", "Show this category's articles in the list."),
        _bind("e", "rename", "Rename", "Rename the saved search under the cursor."),
        _bind("d,delete", "delete", "Delete", "Delete the saved search under the cursor."),
    ],
)

LIST_BINDINGS = _ids(
    "list",
    [
        _bind("down,j", "cursor_down", "Down", "Next article.", show=False),
        _bind("up,k", "cursor_up", "Up", "Previous article.", show=False),
        _bind("home,g", "first", "First", "First article.", show=False),
        _bind("end,G", "last", "Last", "Last article.", show=False),
        _bind("pagedown", "page_down", "Page down", "Down a page.", show=False),
        _bind("pageup", "page_up", "Page up", "Up a page.", show=False),
        _bind("ctrl+d", "half_down", "Half page down", "Down half a page.", show=False),
        _bind("ctrl+u", "half_up", "Half page up", "Up half a page.", show=False),
        _bind("enter", "open", "Open", "Open the article in the reading pane."),
    ],
)

READING_BINDINGS = _ids(
    "reading",
    [
        _bind("down,j", "scroll_down", "Down", "Scroll down a line.", show=False),
        _bind("up,k", "scroll_up", "Up", "Scroll up a line.", show=False),
        _bind("home,g", "top", "Top", "Go to the top of the article.", show=False),
        _bind("end,G", "bottom", "Bottom", "Go to the end (the random articles).", show=False),
        _bind("pagedown,space", "page_down", "Page down", "Down a page.", show=False),
        _bind("pageup,b", "page_up", "Page up", "Up a page.", show=False),
        _bind("ctrl+d", "half_down", "Half page down", "Down half a page.", show=False),
        _bind("ctrl+u", "half_up", "Half page up", "Up half a page.", show=False),
        _bind("J", "next_article", "Next", "Open the next article of the list."),
        _bind("K", "previous_article", "Prev", "Open the previous article of the list."),
        _bind("o", "outline", "Outline", "Jump to a section heading."),
        _bind(
            "f",
            "hint_open",
            "Open a link",
            "Label each link on screen with letters; type a label to open that link (http and "
            "https only; copied instead on a restricted server). Esc cancels.",
            show=False,
        ),
        _bind(
            "F",
            "hint_copy",
            "Copy a link",
            "Label each link on screen with letters; type a label to copy that link. Esc cancels.",
            show=False,
        ),
        _bind("n", "next_match", "Next match", "Jump to the next search match.", show=False),
        _bind("N", "previous_match", "Prev match", "Jump to the previous match.", show=False),
        _bind(
            "right_square_bracket",
            "next_part",
            "Next part",
            "Next part of a long article.",
            show=False,
            key_display="]",
        ),
        _bind(
            "left_square_bracket",
            "previous_part",
            "Prev part",
            "Previous part.",
            show=False,
            key_display="[",
        ),
        *(
            _bind(
                str(n),
                f"open_related({n - 1})",
                f"Random {n}",
                f"Open random article {n} from the list under the article.",
                show=False,
            )
            for n in range(1, 6)
        ),
        *(
            _bind(
                key,
                f"open_similar({n})",
                f"Related {n + 1}",
                f"Open related article {n + 1} from the list under the article.",
                show=False,
            )
            for n, key in enumerate("67890")
        ),
    ],
)

OUTLINE_BINDINGS = _ids(
    "outline",
    [_bind("escape,o,q", "close", "Close", "Close the outline without jumping.")],
)

PROMPT_BINDINGS = _ids(
    "prompt",
    [
        _bind("enter", "submit", "OK", "Answer with what is typed."),
        _bind("escape", "cancel", "Cancel", "Close the prompt without changing anything."),
    ],
)

CONFIRM_BINDINGS = _ids(
    "confirm",
    [
        _bind("y,enter", "yes", "Yes", "Yes, go ahead."),
        _bind("n,escape", "no", "No", "No, leave it as it is."),
    ],
)

CHOOSE_BINDINGS = _ids(
    "choose",
    [_bind("escape", "cancel", "Cancel", "Close the menu without choosing.")],
)

PICKER_BINDINGS = _ids(
    "picker",
    [
        _bind("escape", "cancel", "Cancel", "Close the list without choosing."),
        _bind("down", "down", "Down", "Next category.", show=False),
        _bind("up", "up", "Up", "Previous category.", show=False),
    ],
)

FEEDS_BINDINGS = _ids(
    "feeds",
    [
        _bind("a", "add", "Add", "Subscribe to a feed by its address, and fetch it."),
        _bind(
            "d,delete",
            "remove",
            "Remove",
            "Unsubscribe from the feed under the cursor (its articles kept, or deleted too).",
        ),
        _bind("r", "refresh", "Refresh", "Fetch every feed again."),
        _bind("j", "next", "Down", "Next feed.", show=False),
        _bind("k", "previous", "Up", "Previous feed.", show=False),
        _bind("g", "first", "First", "First feed.", show=False),
        _bind("G", "last", "Last", "Last feed.", show=False),
        _bind("enter", "show", "Show", "Show the feed's articles."),
        _bind("escape,q,f", "close", "Close", "Back to the articles."),
    ],
)

HELP_BINDINGS = _ids(
    "help",
    [_bind("escape,q,question_mark", "close", "Close", "Close the help.")],
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
            name, _, _ = binding.action.partition("(")
            if name.startswith("app."):
                node: DOMNode = app
                name = name[4:]
            else:
                node = section.node
            if node.check_action(name, ()) is False:
                continue
            keys = live_key(binding, getattr(app, "keymap_overrides", {}))
            yield SystemCommand(
                f"{binding.description}  ({keys})",
                f"{section.title}: {binding.tooltip}",
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
