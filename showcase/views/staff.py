"""The staff pages: the showcase per 年度, the case library, a case, 横展開, my showcase."""

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.exports import download_content_type
from accounts.view_helpers import paginate

from .. import selectors, services
from ..forms import InterestForm, LibraryFilterForm, NameConsentForm
from ..permissions import can_manage_showcase, can_see_interested_people, can_view_case
from ._common import PAGE_SIZE, form_errors, run, staff_required


@staff_required
@require_GET
def library(request):
    """事例ライブラリ: published cases across years, searched and filtered."""
    choices = selectors.library_filter_choices()
    form = LibraryFilterForm(request.GET or None, **choices)
    filters = form.filters()
    cases = selectors.library_search(**filters)
    page, query = paginate(request, cases, PAGE_SIZE)
    return render(
        request,
        "showcase/library.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "searched": bool(filters and any(filters.values())),
            "years": choices["years"],
            "can_manage": can_manage_showcase(request.user),
        },
    )


@staff_required
@require_GET
def year_showcase(request, fiscal_year: int):
    """The year's online showcase (発表会): every published case of the 年度."""
    cases, meetings = selectors.showcase_of_year(fiscal_year)
    return render(
        request,
        "showcase/year_showcase.html",
        {
            "fiscal_year": fiscal_year,
            "cases": cases,
            "meetings": meetings,
            "years": selectors.showcase_years(),
        },
    )


@staff_required
@require_GET
def case_detail(request, pk: int):
    case = selectors.case_detail(pk)
    if not can_view_case(request.user, case):
        raise Http404
    memberships, people = selectors.case_team(case)
    sees_people = can_see_interested_people(request.user, case, memberships)
    is_team = any(m.user_id == request.user.pk for m in memberships)
    worksheet = getattr(case.team, "worksheet", None)
    return render(
        request,
        "showcase/case_detail.html",
        {
            "case": case,
            "worksheet": worksheet,
            "effects": list(worksheet.effects.all()) if worksheet else [],
            "people": people,
            "hidden_count": sum(1 for p in people if not p["shown"]),
            "slides": selectors.case_slides(case),
            "interests": selectors.case_interests(case) if sees_people else [],
            "counts": selectors.case_interest_counts(case),
            "mine": selectors.own_interests_in(case, request.user),
            "sees_people": sees_people,
            "is_team": is_team,
            "interest_form": InterestForm(),
            "can_manage": can_manage_showcase(request.user),
        },
    )


@staff_required
@require_GET
def case_slides(request, pk: int):
    """The case's slides: to every member of staff once published, as an attachment
    (never rendered by the browser), as the report meeting's own download."""
    case = selectors.case_detail(pk)
    if not can_view_case(request.user, case):
        raise Http404
    presentation = selectors.case_slides(case)
    if presentation is None:
        raise Http404
    filename = presentation.materials.name.rsplit("/", 1)[-1]
    response = FileResponse(
        presentation.materials.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=download_content_type(filename),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@staff_required
@require_POST
def case_interest(request, pk: int):
    """「自分の課でも取り入れたい」."""
    case = selectors.case_detail(pk)
    if not can_view_case(request.user, case):
        raise Http404
    form = InterestForm(request.POST)
    if form.is_valid():
        run(
            request,
            lambda: services.adoption_interest_register(
                case=case, by=request.user, note=form.cleaned_data["note"]
            ),
            _("「自分の課でも取り入れたい」を登録しました。DX推進担当から連絡があります。"),
        )
    else:
        form_errors(request, form)
    return redirect("showcase:case_detail", pk=case.pk)


@staff_required
@require_GET
def my_showcase(request):
    """My teams (with my name on the showcase or not) and my 横展開 requests."""
    return render(
        request,
        "showcase/my_showcase.html",
        {
            "memberships": selectors.my_teams(request.user),
            "interests": selectors.my_interests(request.user),
        },
    )


@staff_required
@require_POST
def name_consent(request, team_pk: int):
    team = selectors.own_team(request.user, team_pk)
    form = NameConsentForm(request.POST)
    form.is_valid()  # a checkbox: absent or anything unreadable means "do not show"
    show = bool(form.cleaned_data.get("show_name"))
    run(
        request,
        lambda: services.name_consent_set(team=team, user=request.user, show_name=show),
        _("発表会で名前を表示します。") if show else _("発表会では名前を表示しません。"),
    )
    return redirect("showcase:my_showcase")
