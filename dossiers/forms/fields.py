"""Form fields shared by the desk, online and review forms."""

from django import forms
from django.core.exceptions import ValidationError

from dossiers.files import FileUpload, upload_from_django

# What the file picker offers: PDF and phone photos (``image/*`` lets phones offer the camera
# roll). The server checks the content whatever the picker allowed.
ACCEPT = ".pdf,.jpg,.jpeg,.png,image/*,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (a document photographed page by page); cleans to a list of
    Django uploaded files."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


class CheckedFilesField(MultipleFileField):
    """Several files checked by content (PDF, JPEG, PNG) and read; cleans to ``FileUpload``s,
    every refused file named in the errors."""

    def __init__(self, *args, document_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.document_id = document_id

    def clean(self, data, initial=None):
        uploads: list[FileUpload] = []
        errors: list[ValidationError] = []
        for uploaded in super().clean(data, initial):
            try:
                uploads.append(upload_from_django(uploaded, document_id=self.document_id))
            except ValidationError as exc:
                errors.append(exc)
        if errors:
            raise ValidationError(errors)
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        return uploads
