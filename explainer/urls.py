from django.urls import path

from . import views

app_name = "explainer"

urlpatterns = [
    path("", views.home, name="home"),
]
