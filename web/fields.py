"""Form fields rendered in Python with the markup of crispy-forms' Bootstrap 5 pack (issue 25).

``{{ form.name|as_crispy_field }}`` renders ``bootstrap5/field.html``, which includes three to
five more templates and renders the widget through Django's own widget templates: on the desk
intake form (about 35 fields) that was two thirds of the page's time. ``field_html`` writes the
same HTML (the wrapper, the label or legend with its asterisk, the widget with its classes,
``aria-describedby`` and ``aria-invalid``, the errors block and the help text) in one pass, and
``widget_html`` does what ``{% crispy_field field 'class' '…' %}`` does. The HTML is compared with
crispy's own, field kind by field kind, in ``tests/web/test_fields.py``.

Only what the pages use is written here: text-like inputs, textareas, checkboxes, selects, radio
buttons and file inputs without an initial file, with crispy's defaults (no ``FormHelper``, no
label or field class). Anything else (a form with a helper, a multi-widget, a checkbox list, a
file field through ``as_field``) is handed to crispy, so the output never differs.
"""

from django import forms
from django.utils import formats
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from web.widgets import Select, _attrs, select_html

# Django's widget templates that are ``input.html`` and nothing else
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "tel", "password", "date", "checkbox", "file")
)
_TEXTAREA = "django/forms/widgets/textarea.html"
_CLEARABLE_FILE = "django/forms/widgets/clearable_file_input.html"
_SELECT = "django/forms/widgets/select.html"


def _input(widget: dict) -> str:
    """``django/forms/widgets/input.html``."""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _add_classes(bound: forms.BoundField, css: str) -> None:
    """What ``{% crispy_field field 'class' css %}`` does to the widget before it renders it:
    the widget's class name (``textinput``, ``select`` …) and each class of ``css`` not there yet."""
    widget = bound.field.widget
    for inner in getattr(widget, "widgets", [getattr(widget, "widget", widget)]):
        name = inner.__class__.__name__.lower()
        current = inner.attrs.get("class", "")
        if current:
            if current.find(name) == -1:
                current += f" {name}"
        else:
            current = name
        for token in css.split():
            if token not in current.split():
                current += f" {token}"
        inner.attrs["class"] = current


def widget_html(bound: forms.BoundField, css: str) -> SafeString:
    """``{% crispy_field bound 'class' css %}``: the widget alone, with Django's attributes
    (``required``, ``aria-describedby``, ``aria-invalid``, the id) as ``BoundField.as_widget``."""
    _add_classes(bound, css)
    widget = bound.field.widget
    template = getattr(widget, "template_name", None)
    known = template in _INPUT_TEMPLATES or template in (_TEXTAREA, _CLEARABLE_FILE, _SELECT)
    if not known or isinstance(widget, forms.MultiWidget):
        return bound.as_widget()
    if bound.field.localize:
        widget.is_localized = True
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    if isinstance(widget, Select):  # already written in Python (a long list escaped once)
        return widget.render(bound.html_name, bound.value(), attrs)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    if template in _INPUT_TEMPLATES:
        html = _input(context)
    elif template == _TEXTAREA:
        value = context["value"]
        text = conditional_escape(formats.localize(value)) if value else ""
        name = conditional_escape(context["name"])
        html = f'<textarea name="{name}"{_attrs(context["attrs"])}>\n{text}</textarea>'
    elif template == _SELECT:
        html = select_html(context)
    elif context.get("is_initial"):
        return bound.as_widget()  # a file already there: Django's template (its link and checkbox)
    else:
        html = "\n" + _input(context)
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 (every value escaped above)


def _errors_block(bound: forms.BoundField) -> str:
    """``bootstrap5/layout/field_errors_block.html``."""
    errors = bound.errors
    if not errors:
        return ""
    auto_id = conditional_escape(bound.auto_id)
    items = "".join(
        f'\n<p id="error_{n}_{auto_id}"><strong>{conditional_escape(error)}</strong></p>'
        for n, error in enumerate(errors, 1)
    )
    field_id = conditional_escape(getattr(errors, "field_id", ""))
    return f'\n<div id="{field_id}_error" class="invalid-feedback">{items}\n</div>'


def _help_text(bound: forms.BoundField) -> str:
    """``bootstrap5/layout/help_text.html`` (the help text is trusted HTML there too)."""
    if not bound.help_text:
        return ""
    where = f'id="{conditional_escape(bound.auto_id)}_helptext" ' if bound.auto_id else ""
    return f'\n<div {where}class="form-text">{bound.help_text}</div>'


def _choices(bound: forms.BoundField) -> str:
    """``bootstrap5/layout/radio_checkbox_select.html`` for radio buttons, then the help text."""
    widget = bound.field.widget
    id_ = widget.attrs.get("id") or bound.auto_id
    attrs = bound.build_widget_attrs({"id": id_} if id_ else {})
    groups = widget.optgroups(bound.html_name, widget.format_value(bound.value()), attrs)
    invalid = " is-invalid" if bound.errors else ""
    name = conditional_escape(bound.html_name)
    parts = ["<div>"]
    for g, (group, options, _index) in enumerate(groups, 1):
        if group:
            parts.append(f"\n<strong>{conditional_escape(group)}</strong>")
        for o, option in enumerate(options, 1):
            value = conditional_escape(str(formats.localize(option["value"], use_l10n=False)))
            label = conditional_escape(str(formats.localize(option["label"], use_l10n=False)))
            target = conditional_escape(option["attrs"].get("id", ""))
            parts.append(
                f'\n<div class="form-check">\n<input type="{conditional_escape(option["type"])}" '
                f'class="form-check-input{invalid}" name="{name}" value="{value}"{_attrs(option["attrs"])}>'
                f'\n<label for="{target}" class="form-check-label">'
                f"{label}</label>"
            )
            if g == len(groups) and o == len(options):
                parts.append(_errors_block(bound))
            parts.append("\n</div>")
    parts.append("\n</div>")
    parts.append(_help_text(bound))
    return "".join(parts)


def _is_crispy_default(bound: forms.BoundField) -> bool:
    widget = bound.field.widget
    return not (
        getattr(bound.form, "helper", None) is not None
        or isinstance(widget, forms.MultiWidget | forms.CheckboxSelectMultiple | forms.FileInput)
    )


def field_html(bound: forms.BoundField) -> SafeString:
    """``{{ bound|as_crispy_field }}`` with crispy's defaults: the field with its label, help
    text and errors, in Bootstrap 5's markup."""
    if not _is_crispy_default(bound):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(bound)
    if bound.is_hidden:
        return mark_safe(str(bound))  # noqa: S308  # nosec B308 B703 (Django's widget HTML)
    widget = bound.field.widget
    checkbox = isinstance(widget, forms.CheckboxInput)
    required = bound.field.required
    asterisk = '<span class="asteriskField">*</span>' if required else ""
    label = conditional_escape(bound.label) if bound.label else ""
    invalid = " is-invalid" if bound.errors else ""
    css = bound.css_classes()
    parts = ['<div class="mb-3">'] if checkbox else []
    parts.append(
        f'<div id="div_{conditional_escape(bound.auto_id)}" class="{"form-check" if checkbox else "mb-3"}'
        f'{" " + conditional_escape(css) if css else ""}">'
    )
    fieldset = bool(label) and not checkbox and bound.use_fieldset
    if label and not checkbox:
        if fieldset:
            described = bound.aria_describedby
            parts.append(f"\n<fieldset{f' aria-describedby={escape_attr(described)}' if described else ''}>")
        tag = "legend" if fieldset else "label"
        target = bound.id_for_label
        parts.append(
            f'\n<{tag} {f"for={escape_attr(target)} " if target else ""}class="form-label'
            f'{" requiredField" if required else ""}{" fs-6" if fieldset else ""}">'
            f"{label}{asterisk}</{tag}>"
        )
    if isinstance(widget, forms.RadioSelect):
        parts.append("\n" + _choices(bound))
    elif checkbox:
        parts.append("\n" + widget_html(bound, f"form-check-input{invalid}"))
        parts.append(
            f'\n<label for="{conditional_escape(bound.id_for_label)}" class="form-check-label'
            f'{" requiredField" if required else ""}">{label}{asterisk}</label>'
        )
        parts.append(_errors_block(bound) + _help_text(bound))
    else:
        css_input = "form-select" if isinstance(widget, forms.Select) else "form-control"
        parts.append("\n" + widget_html(bound, f"{css_input}{invalid}"))
        parts.append(_errors_block(bound) + _help_text(bound))
    if fieldset:
        parts.append("\n</fieldset>")
    parts.append("\n</div>")
    if checkbox:
        parts.append("\n</div>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 (every value escaped above)


def escape_attr(value) -> str:
    """An attribute's value in double quotes, escaped."""
    return f'"{escape(value)}"'
