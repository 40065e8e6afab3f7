"""Form widgets whose HTML is made in Python, for the long lists (issue 25).

Django renders a ``<select>`` through a template for the element and two more for each option:
the nationality list of an intake form (about 250 countries) cost more than the rest of the page.
``Select`` writes the same HTML as Django's ``django/forms/widgets/select.html`` (the element,
its attributes, the optgroups, ``selected`` on the chosen options) in one pass; a flat list of
plain strings (the nationalities) is escaped once a process and only ``selected`` added a request.
``FlatChoices`` hands such a list to the field and the widget as it is, without Django normalizing
it again each time it is iterated.
"""

from functools import lru_cache

from django import forms
from django.utils.choices import BaseChoiceIterator, CallableChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: ``False`` left out, ``True`` a bare name."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {name}")
        else:
            out.append(f' {name}="{conditional_escape(str(value))}"')
    return "".join(out)


def select_html(widget: dict) -> str:
    """``django/forms/widgets/select.html`` of a widget's context (``get_context()["widget"]``)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


@lru_cache(maxsize=32)
def _flat_options(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    """(value, the option's HTML up to where ``selected`` goes, the rest) of each choice: the
    same for every request of a list of plain strings (the key is the list itself, labels
    already translated)."""
    return tuple(
        (
            value,
            f'\n  <option value="{conditional_escape(value)}"',
            f">{conditional_escape(label)}</option>\n",
        )
        for value, label in choices
    )


class FlatChoices(BaseChoiceIterator):
    """Choices read by ``func`` when used (in the page's language) that are already a tuple of
    (str, str) pairs, Django's normalized form: unlike a plain callable's choices (Django's
    ``CallableChoiceIterator`` normalizes the whole list each time the field or the widget reads
    it, twice a page for a ``<select>``) they are handed on as they are."""

    def __init__(self, func):
        self.func = func

    def __iter__(self):
        return iter(self.func())

    def __deepcopy__(self, memo):
        return self  # nothing of its own to copy: each form's field shares it


def _plain(choices) -> tuple[tuple[str, str], ...] | None:
    """``choices`` as a tuple when they are a flat list of (str, str), else None. Choices given as
    a callable (read in the page's language) are called here."""
    if isinstance(choices, FlatChoices):
        return choices.func()
    if isinstance(choices, CallableChoiceIterator):
        choices = list(choices)
    if not isinstance(choices, list | tuple):
        return None
    for choice in choices:
        if len(choice) != 2 or type(choice[0]) is not str or type(choice[1]) is not str:
            return None
    return tuple(choices)


class Select(forms.Select):
    """Django's ``Select``, rendered without a template per option."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        plain = None if self.allow_multiple_selected else _plain(self.choices)
        if plain is None:
            return mark_safe(select_html(self.get_context(name, value, attrs)["widget"]))  # noqa: S308  # nosec B308 B703
        chosen = set(self.format_value(value))
        parts = [f'<select name="{conditional_escape(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>']
        for option_value, head, tail in _flat_options(plain):
            if chosen and option_value in chosen:
                parts += (head, " selected", tail)
                chosen = ()  # one option selected, as Django's ``optgroups``
            else:
                parts += (head, tail)
        parts.append("\n</select>")
        # every value escaped by _flat_options
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
