"""所属長 is derived from the roster (accounts/selectors.py): the highest grade of 課長 or
above in a department; a 係 without one answers to its parent's head."""

from accounts.models import Grade
from accounts.permissions import heads_person, is_department_head
from accounts.selectors import departments_headed_by, heads_of, supervisors_of
from tests import factories


def test_the_kacho_of_a_department_is_its_head(db):
    ka = factories.DepartmentFactory()
    head = factories.UserFactory(department=ka, grade=Grade.KACHO)
    factories.UserFactory(department=ka, grade=Grade.KACHO_HOSA)
    assert heads_of(ka) == [head]


def test_a_department_without_anyone_of_kacho_grade_has_no_head_of_its_own(db):
    ka = factories.DepartmentFactory()
    factories.UserFactory(department=ka, grade=Grade.KACHO_HOSA)
    assert heads_of(ka) == []
    assert not is_department_head(factories.UserFactory(department=ka, grade=Grade.KACHO_HOSA))


def test_the_highest_grade_in_a_department_is_its_head(db):
    bu = factories.DepartmentFactory()
    bucho = factories.UserFactory(department=bu, grade=Grade.BUCHO)
    kacho = factories.UserFactory(department=bu, grade=Grade.KACHO)
    assert heads_of(bu) == [bucho]
    assert is_department_head(bucho)
    assert not is_department_head(kacho)


def test_a_kakari_without_a_head_answers_to_its_parent_ka(db):
    ka = factories.DepartmentFactory()
    kakari = factories.DepartmentFactory(parent=ka)
    head = factories.UserFactory(department=ka, grade=Grade.KACHO)
    staff = factories.UserFactory(department=kakari)
    assert supervisors_of(staff) == [head]
    assert heads_person(head, staff)
    assert departments_headed_by(head) == [ka, kakari]


def test_a_head_answers_to_the_head_above_not_to_themselves(db):
    bu = factories.DepartmentFactory()
    ka = factories.DepartmentFactory(parent=bu)
    bucho = factories.UserFactory(department=bu, grade=Grade.BUCHO)
    kacho = factories.UserFactory(department=ka, grade=Grade.KACHO)
    assert supervisors_of(kacho) == [bucho]
    assert not heads_person(kacho, kacho)
    assert ka not in departments_headed_by(bucho)


def test_a_head_who_leaves_is_no_longer_anyones_head(db):
    ka = factories.DepartmentFactory()
    head = factories.UserFactory(department=ka, grade=Grade.KACHO)
    staff = factories.UserFactory(department=ka)
    head.is_active = False
    head.save()
    assert supervisors_of(staff) == []
    assert not heads_person(head, staff)


def test_a_head_of_another_department_is_not_ones_head(db):
    head = factories.UserFactory(grade=Grade.KACHO)
    staff = factories.UserFactory()
    assert not heads_person(head, staff)
