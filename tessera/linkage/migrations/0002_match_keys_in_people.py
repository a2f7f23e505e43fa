"""Search before create reads the people app's one match-key index: linkage's own is removed, and the
surviving index is rebuilt for existing records so it holds the blocking keys too."""

from typing import Any

from django.db import migrations


def rebuild_the_index(apps: Any, schema_editor: Any) -> None:
    # Keys are derived data, computed by today's code: the historical model only says whether there is
    # anything to index.
    if not apps.get_model("people", "SourceIdentity").objects.exists():
        return
    from tessera.people.match_index import rebuild_match_keys

    rebuild_match_keys(apps.get_model("people", "Person").objects.values_list("pk", flat=True))


class Migration(migrations.Migration):
    dependencies = [
        ("linkage", "0001_initial"),
        ("people", "0003_one_match_key_index"),
    ]

    operations = [
        migrations.DeleteModel(name="MatchKey"),
        migrations.RunPython(rebuild_the_index, migrations.RunPython.noop, elidable=True),
    ]
