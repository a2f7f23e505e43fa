"""Stored phone numbers rewritten in E.164 by ``phonenumbers`` (the UK the default region).

The earlier normaliser wrote UK numbers in E.164 already but left some foreign numbers as bare digits.
A number whose new form already belongs to another phone is left as it was, so no phone and none of its
links is lost; ``manage.py`` prints how many were left.
"""

from typing import Any

from django.db import migrations


def numbers_in_e164(apps: Any, schema_editor: Any) -> None:
    from tessera.people.identifiers import normalise_phone

    Phone = apps.get_model("people", "Phone")
    taken = set(Phone.objects.values_list("number", flat=True))
    left = 0
    for pk, number in Phone.objects.values_list("pk", "number").iterator(chunk_size=5000):
        normal = normalise_phone(number)
        if normal == number:
            continue
        if normal in taken:
            left += 1
            continue
        Phone.objects.filter(pk=pk).update(number=normal)
        taken.discard(number)
        taken.add(normal)
    if left:
        print(f"  {left} phone numbers left as they were: their E.164 form belongs to another phone")  # noqa: T201


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_one_match_key_index"),
    ]

    operations = [
        migrations.RunPython(numbers_in_e164, migrations.RunPython.noop, elidable=True),
    ]
