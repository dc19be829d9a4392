"""Choose the library items to deploy: filters from the config, then the `requires` closure.

Every item gets a Verdict, in or out, with the reason in words, so `aiwg list` can say why
and `deploy` can say how many items a filter left out. `kinds`, `names` and `exclude` apply to
every layer; `tags` and `min_severity` narrow only the layers `[select] layers` names (the
built-in library by default): an item a person wrote in their own library is theirs to deploy.

A selection that cannot be honoured (a required item the user excluded, two conflicting items)
is an InputError, never a silent drop: the user decides which item goes.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from aiwg.config import Selection
from aiwg.errors import InputError
from aiwg.items import KINDS, SEVERITY_RANK, Item
from aiwg.library import Library


@dataclass(frozen=True)
class Verdict:
    """Whether an item is selected, why in words, and (when out) the config key that left it out."""

    selected: bool
    reason: str
    filter: str | None = None

    def __str__(self) -> str:
        return f"{'in' if self.selected else 'out'}: {self.reason}"


def select_items(library: Library, selection: Selection) -> list[Item]:
    """The chosen items, sorted by kind (in KINDS order) and name."""
    reasons = selection_reasons(library, selection)
    return sort_items(library.items[item_id] for item_id in reasons)


def selection_reasons(library: Library, selection: Selection) -> dict[str, str]:
    """Why each chosen item is in: "project layer", "name stateless-*", "required by rule/a" ...."""
    return {item_id: verdict.reason
            for item_id, verdict in judge(library, selection).items() if verdict.selected}


def judge(library: Library, selection: Selection) -> dict[str, Verdict]:
    """A verdict for every item of the library, in kind and name order."""
    verdicts = {item.id: _direct_verdict(item, selection) for item in library.items.values()}
    _add_required(library, selection, verdicts)
    chosen = {item_id for item_id, verdict in verdicts.items() if verdict.selected}
    _check_conflicts(library, chosen)
    return {item.id: verdicts[item.id] for item in sort_items(library.items.values())}


def left_out(verdicts: Mapping[str, Verdict]) -> dict[str, int]:
    """How many items each filter left out ("select.tags" -> 36), most first."""
    counts = Counter(v.filter for v in verdicts.values() if not v.selected and v.filter)
    return {name: counts[name] for name in sorted(counts, key=lambda n: (-counts[n], n))}


def left_out_line(verdicts: Mapping[str, Verdict]) -> str | None:
    """One line saying how many items the filters left out, or None when none were."""
    counts = left_out(verdicts)
    if not counts:
        return None
    total = sum(counts.values())
    parts = ", ".join(f"{count} by {name}" for name, count in counts.items())
    return f"the selection left out {total} library item(s) ({parts}); `aiwg list` says why"


def sort_items(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=lambda item: (KINDS.index(item.kind), item.name))


def layer_kind(item: Item) -> str:
    """"builtin", "user" or "project": the layer name without its path."""
    return item.layer.partition(":")[0]


def _matches(item: Item, patterns: Iterable[str]) -> str | None:
    """The first glob matching the item's name or kind/name (case-sensitive, like names)."""
    for pattern in patterns:
        if fnmatchcase(item.name, pattern) or fnmatchcase(item.id, pattern):
            return pattern
    return None


def _direct_verdict(item: Item, selection: Selection) -> Verdict:
    """Whether the filters choose `item` on its own."""
    if item.kind not in selection.kinds:
        return Verdict(False, f"kind {item.kind} not in select.kinds", "select.kinds")
    excluded = _matches(item, selection.exclude)
    if excluded is not None:
        return Verdict(False, f"excluded by {excluded}", "select.exclude")
    # A name the user listed is a deliberate choice: it skips the tag and severity filters.
    named = _matches(item, selection.names)
    if named is not None:
        return Verdict(True, f"name {named}")
    layer = item.layer or "builtin"
    if layer_kind(item) not in selection.layers:
        return Verdict(True, f"{layer} layer")
    if not _severe_enough(item, selection.min_severity):
        return Verdict(False, f"{layer}, severity {item.severity} below "
                              f"{selection.min_severity}", "select.min_severity")
    if not selection.tags:
        return Verdict(True, f"{layer} layer")
    tag = next((tag for tag in selection.tags if tag in item.tags), None)
    if tag is not None:
        return Verdict(True, f"{layer}, tagged {tag}")
    return Verdict(False, f"{layer}, not tagged {' or '.join(selection.tags)}", "select.tags")


def _severe_enough(item: Item, minimum: str | None) -> bool:
    severity = item.severity
    if minimum is None or severity is None or severity not in SEVERITY_RANK:
        return True
    if minimum not in SEVERITY_RANK:
        raise InputError(f"select.min_severity: expected one of {', '.join(SEVERITY_RANK)}, "
                         f"got {minimum!r}")
    # Rank 0 is critical, so "at least medium" means a rank no larger than medium's.
    return SEVERITY_RANK[severity] <= SEVERITY_RANK[minimum]


def _add_required(library: Library, selection: Selection, verdicts: dict[str, Verdict]) -> None:
    """Pull in what chosen items require, transitively, whatever the filters say."""
    queue = deque(item_id for item_id, verdict in verdicts.items() if verdict.selected)
    while queue:
        item = library.items[queue.popleft()]
        for ref in item.requires:
            needed = library.resolve(ref, prefer=item.kind)
            if needed is None:
                raise InputError(f"{item.id} requires {ref!r}, which is not in the library"
                                 f"{library.suggest(ref)}")
            if verdicts[needed.id].selected:
                continue
            pattern = _matches(needed, selection.exclude)
            if pattern is not None:
                raise InputError(f"{item.id} requires {needed.id}, which select.exclude "
                                 f"leaves out ({pattern!r}); include it or deselect {item.id}")
            verdicts[needed.id] = Verdict(True, f"required by {item.id}")
            queue.append(needed.id)


def _check_conflicts(library: Library, chosen: set[str]) -> None:
    for item_id in sorted(chosen):
        item = library.items[item_id]
        for ref in item.conflicts:
            other = library.resolve(ref, prefer=item.kind)
            if other is not None and other.id in chosen and other.id != item.id:
                raise InputError(f"{item.id} conflicts with {other.id}; deselect one")
