from django.urls import path

from . import views

app_name = "sources"

urlpatterns = [
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet_detail"),
]
