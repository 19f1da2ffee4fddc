from django.core.checks import Error, Tags, register


@register(Tags.templates)
def check_explainer_content(app_configs, **kwargs):
    """`manage.py check` (and so every deploy and test run) reports mistakes in explainer content files."""
    from .content import content_errors

    return [Error(message, id="explainer.E001") for message in content_errors()]
