"""A 405 that comes first and has something to read.

- An unsafe method sent to a public view that does not take it is answered here, before
  CsrfViewMiddleware would answer 403 with its "send the form again" page (the view's methods are noted
  by counties.methods; the admin's views keep Django's order).
- Django's HttpResponseNotAllowed has an empty body; it gets the short bilingual templates/405.html, with
  its Allow header kept. This sits inside CommonMiddleware, which then sets the new Content-Length.
"""

from django.http import HttpResponseNotAllowed
from django.template.loader import render_to_string


class MethodNotAllowedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            response.content = render_to_string("405.html")
            response["Content-Type"] = "text/html; charset=utf-8"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        allowed = getattr(view_func, "allowed_methods", None)
        if allowed is not None and request.method not in allowed:
            return HttpResponseNotAllowed(sorted(allowed))
        return None
