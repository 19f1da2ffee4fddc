from django import forms
from django.utils.translation import gettext_lazy as _

from .editing import unsafe_url
from .models import Correction
from .text import without_controls

# Printable to Unicode, but blank on the screen: the Hangul fillers and the blank braille pattern.
BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def visible(text: str) -> bool:
    """Whether the text shows anything: a character that is neither a space nor invisible (Cc, Cf...)."""
    return any(char.isprintable() and not char.isspace() and char not in BLANK for char in text)


class CorrectionForm(forms.ModelForm):
    """The public "report a correction" form. `website` is a honeypot: people never see it, bots fill it."""

    what_is_wrong = forms.CharField(
        max_length=Correction.WHAT_MAX,
        label=_("What is wrong or missing?"),
        help_text=_("For example: the sheriff signed an agreement on a date we do not show."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Please tell us what is wrong."),
            "max_length": _("Please keep it under %(limit_value)d characters (this has %(show_value)d)."),
        },
    )

    source_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label=_("Link to a source (optional)"),
        help_text=_("A news article, court minutes or an official page that shows it."),
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
        error_messages={
            "invalid": _("Enter a web address that starts with http:// or https://."),
            "max_length": _("This link is too long (at most %(limit_value)d characters)."),
        },
    )
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Correction
        fields = ["what_is_wrong", "source_url", "contact"]
        labels = {
            "contact": _("Your email or phone (optional)"),
        }
        help_texts = {
            "contact": _(
                "Only if you want us to be able to ask you a question. It is never published, and we "
                "delete it 30 days after we close your report."
            ),
        }
        widgets = {
            "contact": forms.TextInput(attrs={"maxlength": Correction.CONTACT_MAX, "autocomplete": "email"}),
        }
        error_messages = {
            "contact": {"max_length": _("Please keep this under %(limit_value)d characters.")},
        }

    def clean(self):
        """A reader's text loses control characters and bidi overrides (a right-to-left override shows it
        backwards to the editors who read it); an address that takes a browser elsewhere than it shows
        (user-info before "@", a backslash) is refused, as in the admin (issue 24)."""
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = without_controls(value)
        if "what_is_wrong" in cleaned and not visible(cleaned["what_is_wrong"]):
            # Only control, zero-width or space characters: an empty report to the editors who read it.
            self.add_error("what_is_wrong", self.fields["what_is_wrong"].error_messages["required"])
        url = cleaned.get("source_url")
        if url and unsafe_url(url):
            self.add_error(
                "source_url", _("Please give the address as it appears in your browser's address bar.")
            )
        return cleaned

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())
