"""The showcase admin is for browsing, searching and reading history only.

Publishing, tags, name consents and adoption statuses change through the portal's pages,
which call `showcase.services` (closed report meeting, one interest per person × case ×
課, the status steps, the 操作ログ)."""

from django.contrib import admin

from accounts.admin import ReadOnlyHistoryAdmin

from .models import AdoptionInterest, NameConsent, ShowcaseCase, ThemeTag


@admin.register(ShowcaseCase)
class ShowcaseCaseAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "fiscal_year", "department", "status", "published_at")
    list_filter = ("status", "fiscal_year")
    search_fields = ("title", "team__name")
    list_select_related = ("department",)
    exclude = ("search_text",)


@admin.register(ThemeTag)
class ThemeTagAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "name_en")
    search_fields = ("name", "name_en")


@admin.register(NameConsent)
class NameConsentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("team", "user", "show_name", "updated_at")
    list_filter = ("show_name",)
    list_select_related = ("team", "user")


@admin.register(AdoptionInterest)
class AdoptionInterestAdmin(ReadOnlyHistoryAdmin):
    list_display = ("case", "department", "user", "status", "created_at", "adopted_on")
    list_filter = ("status",)
    search_fields = ("case__title", "department__name", "user__last_name")
    list_select_related = ("case", "department", "user")
