"""Words a resident reads for the things the data holds: the models, the statuses, the jail status."""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Agreement

# Plain words for each model, from ICE's own descriptions (FACTS.md b2-b4).
MODEL_MEANS = {
    Agreement.Model.JAIL: gettext_lazy(
        "Trained jail officers identify people booked into the jail on criminal charges whom ICE may deport, "
        "and start ICE's paperwork for them."
    ),
    Agreement.Model.WARRANT: gettext_lazy(
        "Jail officers may serve ICE's administrative warrants on people already held in their jail, so that "
        "ICE can take them into custody."
    ),
    Agreement.Model.TASK_FORCE: gettext_lazy(
        "Officers may use limited immigration powers during their routine police work in the community, "
        "under ICE oversight."
    ),
}

STATUS_LABELS = {
    "sheriff": gettext_lazy("Sheriff has an agreement"),
    "others": gettext_lazy("Other agencies only"),
    "former": gettext_lazy("Sheriff's agreement no longer listed"),
    "none": gettext_lazy("No agreement listed"),
    "unknown": gettext_lazy("Not known"),
}


def model_list(models) -> str:
    """['jail', 'task-force'] -> 'Jail Enforcement and Task Force' (in the active language)."""
    return get_text_list([str(Agreement.Model(m).label) for m in models], _("and"))
