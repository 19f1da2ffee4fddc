from django import template

from ..models import Agreement
from ..status import MODEL_ANCHOR
from ..wording import MODEL_MEANS, STATUS_LABELS, model_list

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


@register.filter
def model_labels(models) -> str:
    """['jail', 'task-force'] -> 'Jail Enforcement and Task Force'."""
    return model_list(models)


@register.filter
def percent(share) -> str:
    """Decimal('0.974212') -> '97%'; a sliver shows as '<1%' rather than '0%'."""
    value = float(share) * 100
    return "<1%" if 0 < value < 1 else f"{value:.0f}%"
