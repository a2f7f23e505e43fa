"""Person search's name keys become the one match-key index (linkage's own index is removed in linkage 0002)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_search_keys"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="personsearchkey", name="one_search_key_per_person"),
        migrations.RemoveIndex(model_name="personsearchkey", name="search_key_idx"),
        migrations.RenameModel(old_name="PersonSearchKey", new_name="MatchKey"),
        migrations.AlterField(model_name="matchkey", name="key", field=models.CharField(max_length=120)),
        migrations.AddConstraint(
            model_name="matchkey",
            constraint=models.UniqueConstraint(fields=("person", "key"), name="one_match_key_per_person"),
        ),
        migrations.AddIndex(
            model_name="matchkey",
            index=models.Index(fields=["key", "person"], name="person_match_key_idx"),
        ),
    ]
