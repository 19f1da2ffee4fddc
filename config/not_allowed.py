"""A 405 with something to read. Django's HttpResponseNotAllowed (what `require_safe` and `require_POST`
answer) has an empty body: a form sent to a page that has none, an OPTIONS request, a scanner's PUT. This
middleware gives it the short bilingual templates/405.html and keeps its Allow header. It sits inside
CommonMiddleware, which then sets the Content-Length of the new body."""

from django.template.loader import render_to_string


def method_not_allowed_page(get_response):
    def middleware(request):
        response = get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            response.content = render_to_string("405.html")
            response["Content-Type"] = "text/html; charset=utf-8"
        return response

    return middleware
