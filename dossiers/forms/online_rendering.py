"""The fields of the citizen's online submission written in Python (issue 25).

crispy-forms renders each field through ``bootstrap5/field.html`` and half a dozen included
templates, and Django renders the widget through two more: on the wizard's pages that was about
half of a request's time. ``online_field`` writes the same HTML (whitespace aside) in one pass,
for the widgets those pages use: text inputs (text, email, tel), textareas, selects and radio
buttons. Any other widget is handed to crispy unchanged.

The markup is crispy's Bootstrap 5 field with our settings (labels shown, errors shown as a
block under the field): the label (a ``legend`` in a ``fieldset`` for radio buttons) with the
asterisk of a required field, the widget with ``is-invalid`` and ``aria-invalid`` when the field
has errors, ``aria-describedby`` naming the help text and the error block, each error in
``<p id="error_<n>_<id>">``, then the help text. ``tests/dossiers/test_online_rendering.py``
compares it with crispy's for every field of the wizard's forms, bound, unbound and with errors.

Only the wizard's forms use it; the desk's forms have their own (a lead may unify them).
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from web.widgets import Select, _attrs

_INPUTS = (forms.TextInput, forms.EmailInput, forms.NumberInput, forms.URLInput)


def _add_classes(widget: forms.Widget, classes: str) -> None:
    """What crispy's ``{% crispy_field field 'class' '...' %}`` does to the widget: its own class
    name (``textinput``), then each class not there yet."""
    class_name = widget.__class__.__name__.lower()
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for name in classes.split():
        if name not in css_class.split():
            css_class += f" {name}"
    widget.attrs["class"] = css_class


def _widget_attrs(bound: BoundField, widget: forms.Widget) -> dict:
    """``BoundField.as_widget``'s attributes: required, aria-describedby, aria-invalid, the id."""
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    return attrs


def _widget_context(bound: BoundField, widget: forms.Widget) -> dict:
    """``BoundField.as_widget`` up to the widget's template: the attributes and the value."""
    return widget.get_context(bound.html_name, bound.value(), _widget_attrs(bound, widget))["widget"]


_NOTHING = "\x00"  # a value no option has
_options: dict[tuple[str, str], str] = {}  # (field's options_key, language) → the options unselected


def _select(bound: BoundField, widget: forms.Select) -> str:
    """web.widgets.Select writes Django's ``select.html`` in Python, the same HTML for any select.
    A field whose options are the same on every form in a language (an ``options_key``: the
    nationalities) has them written once a process and language; the chosen one is marked."""
    attrs = _widget_attrs(bound, widget)
    key = getattr(bound.field, "options_key", None)
    if key is None:
        return Select.render(widget, bound.html_name, bound.value(), attrs)
    cache_key = (key, get_language() or "")
    options = _options.get(cache_key)
    if options is None:
        unselected = Select.render(widget, bound.html_name, _NOTHING, attrs)
        options = _options[cache_key] = unselected[unselected.index(">") + 1 :]  # after <select …>
    chosen = widget.format_value(bound.value())[0]  # Django marks the first option of that value
    option = f'<option value="{conditional_escape(chosen)}">'
    options = options.replace(option, f"{option[:-1]} selected>", 1)
    name = conditional_escape(bound.html_name)
    return f'<select name="{name}"{_attrs(widget.build_attrs(widget.attrs, attrs))}>{options}'


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    return (
        f'<input type="{widget["type"]}" name="{conditional_escape(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    name = conditional_escape(widget["name"])
    return f'<textarea name="{name}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _errors(bound: BoundField) -> str:
    if not bound.errors:
        return ""
    items = "".join(
        f'\n<p id="error_{n}_{bound.auto_id}"><strong>{conditional_escape(error)}</strong></p>'
        for n, error in enumerate(bound.errors, 1)
    )
    return f'\n<div id="{bound.errors.field_id}_error" class="invalid-feedback">{items}\n</div>'


def _help(bound: BoundField) -> str:
    if not bound.help_text:
        return ""
    id_ = f'id="{bound.auto_id}_helptext" ' if bound.auto_id else ""
    return f'\n<div {id_}class="form-text">{bound.help_text}</div>'  # help text is ours: |safe in crispy


def _label(bound: BoundField) -> str:
    if not bound.label:
        return ""
    required = bound.field.required
    tag = "legend" if bound.use_fieldset else "label"
    for_ = f'for="{bound.id_for_label}" ' if bound.id_for_label else ""
    classes = "form-label" + (" requiredField" if required else "") + (" fs-6" if bound.use_fieldset else "")
    asterisk = '<span class="asteriskField">*</span>' if required else ""
    opening = ""
    if bound.use_fieldset:
        describedby = bound.aria_describedby
        opening = "<fieldset" + (f' aria-describedby="{describedby}"' if describedby else "") + ">\n"
    return f'{opening}<{tag} {for_}class="{classes}">\n{conditional_escape(bound.label)}{asterisk}\n</{tag}>'


def _radios(bound: BoundField) -> str:
    """crispy's ``radio_checkbox_select.html``: each option in a ``form-check``, the errors in
    the last one, then the help text."""
    widget = bound.field.widget
    id_ = widget.attrs.get("id") or bound.auto_id
    attrs = bound.build_widget_attrs({"id": id_} if id_ else {})
    groups = widget.optgroups(bound.html_name, widget.format_value(bound.value()), attrs)
    invalid = " is-invalid" if bound.errors else ""
    name = conditional_escape(bound.html_name)
    parts = ["\n<div>"]
    for g, (group, options, _index) in enumerate(groups):
        if group:
            parts.append(f"\n<strong>{conditional_escape(group)}</strong>")
        for o, option in enumerate(options):
            value = conditional_escape(str(option["value"]))
            parts.append(
                f'\n<div class="form-check">\n<input type="{option["type"]}" '
                f'class="form-check-input{invalid}" name="{name}" value="{value}"'
                f"{_attrs(option['attrs'])}>\n"
                f'<label for="{option["attrs"]["id"]}" class="form-check-label">\n'
                f"{conditional_escape(option['label'])}\n</label>"
            )
            if bound.errors and o == len(options) - 1 and g == len(groups) - 1:
                parts.append(_errors(bound))
            parts.append("\n</div>")
    parts.append("\n</div>")
    parts.append(_help(bound))
    return "".join(parts)


def online_field(bound: BoundField) -> SafeString:
    """The field as crispy's ``{{ field|as_crispy_field }}`` writes it (see the module)."""
    widget = bound.field.widget
    if (
        bound.is_hidden
        or not isinstance(widget, (*_INPUTS, forms.Textarea, forms.Select, forms.RadioSelect))
        or isinstance(widget, (forms.CheckboxSelectMultiple, forms.SelectMultiple))
    ):
        return as_crispy_field(bound)
    radio = isinstance(widget, forms.RadioSelect)
    css = bound.css_classes()
    parts = [f'<div id="div_{bound.auto_id}" class="mb-3{" " + css if css else ""}">\n', _label(bound)]
    if radio:
        parts.append(_radios(bound))
    else:
        invalid = " is-invalid" if bound.errors else ""
        if isinstance(widget, forms.Select):
            _add_classes(widget, "form-select" + invalid)
            parts.append(_select(bound, widget))
        elif isinstance(widget, forms.Textarea):
            _add_classes(widget, "form-control" + invalid)
            parts.append(_textarea(_widget_context(bound, widget)))
        else:
            _add_classes(widget, "form-control" + invalid)
            parts.append(_input(_widget_context(bound, widget)))
        parts.append(_errors(bound))
        parts.append(_help(bound))
    if bound.use_fieldset and bound.label:
        parts.append("\n</fieldset>")
    parts.append("\n</div>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
