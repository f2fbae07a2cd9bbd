from .organiser import (
    organiser_adoption_export_csv,
    organiser_adoption_list,
    organiser_adoption_status,
    organiser_case_publish,
    organiser_case_unpublish,
    organiser_showcase,
    organiser_tag_add,
)
from .staff import (
    case_detail,
    case_interest,
    case_slides,
    library,
    my_showcase,
    name_consent,
    year_showcase,
)

__all__ = [
    "case_detail",
    "case_interest",
    "case_slides",
    "library",
    "my_showcase",
    "name_consent",
    "organiser_adoption_export_csv",
    "organiser_adoption_list",
    "organiser_adoption_status",
    "organiser_case_publish",
    "organiser_case_unpublish",
    "organiser_showcase",
    "organiser_tag_add",
    "year_showcase",
]
