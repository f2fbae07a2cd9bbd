"""Give each role group only the model permissions its pages need (issue #9).

Before: organisers held every permission of projects and evaluations (add, change, delete
included) and HR every permission of accounts and certification. The table lives in
`accounts.roles.ROLE_PERMISSIONS`; this migration applies it to an existing database (and
post_migrate re-applies it after every migrate, for models added later)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def apply_table(apps, schema_editor):
    from accounts.roles import apply_role_permissions

    # Permissions are normally created after the last migration; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    apply_role_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_local_login_allowed"),
        ("projects", "0001_initial"),
        ("evaluations", "0002_initial"),
        ("certification", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(apply_table, migrations.RunPython.noop)]
