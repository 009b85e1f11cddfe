from django.urls import path

from . import views

app_name = "entities"

urlpatterns = [
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("places/<slug:slug>/", views.place_detail, name="place_detail"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
]
