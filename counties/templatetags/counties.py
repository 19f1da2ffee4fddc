from django import template

from ..models import Agreement
from ..status import MODEL_ANCHOR
from ..wording import MODEL_MEANS, STATUS_LABELS

register = template.Library()


@register.filter
def model_anchor(model: str) -> str:
    """'jail' -> 'jail-enforcement': the anchor of that model on the explainer's models page."""
    return MODEL_ANCHOR.get(model, "")


@register.filter
def model_means(model: str) -> str:
    return MODEL_MEANS.get(model, "")


@register.filter
def model_label(model: str) -> str:
    try:
        return Agreement.Model(model).label
    except ValueError:
        return ""


@register.filter
def status_label(code: str) -> str:
    return STATUS_LABELS.get(code, "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
