from django.contrib import admin

from .models import Outlet


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "language", "ownership_type", "homepage"]
    list_filter = ["country", "language", "ownership_type"]
    search_fields = ["name", "slug", "domains", "owner"]
    prepopulated_fields = {"slug": ["name"]}
