from django.urls import path

from . import views

app_name = "counties"

urlpatterns = [
    path("", views.search, name="search"),
    path("national/", views.national, name="national"),
    # An agreement's permanent link, by its published ID (or an alias of a merged history): to its county.
    path("agreements/<path:public_id>/", views.agreement, name="agreement"),
    path("<slug:state>/", views.state_detail, name="state"),
    path("<slug:state>/<slug:slug>/", views.county_detail, name="county"),
    path("<slug:state>/<slug:slug>/correction/", views.correction, name="correction"),
    path("<slug:state>/<slug:slug>/correction/thanks/", views.correction_thanks, name="correction_thanks"),
]
