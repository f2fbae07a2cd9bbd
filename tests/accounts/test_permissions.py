from accounts import permissions
from accounts.roles import Role
from tests.factories import UserFactory


def test_an_external_expert_given_the_staff_role_by_mistake_still_sees_no_staff_page(db):
    expert = UserFactory(roles=[Role.EXTERNAL_EXPERT, Role.STAFF])

    assert not permissions.is_city_staff(expert)


def test_an_executive_is_city_staff(db):
    assert permissions.is_city_staff(UserFactory(roles=[Role.EXECUTIVE]))


def test_an_inactive_person_holds_no_role(db):
    user = UserFactory(roles=[Role.STAFF, Role.HR_ADMIN], is_active=False)

    assert not permissions.is_city_staff(user)
    assert not permissions.is_hr_admin(user)
